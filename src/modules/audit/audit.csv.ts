/**
 * The audit trail as CSV (RFC 4180): a header row, one row per event, CRLF line ends. Every cell is
 * made safe for spreadsheets (OWASP "CSV injection"): a cell that starts with `=`, `+`, `-`, `@`, a tab
 * or a carriage return would be read as a formula, so it gets a leading single quote.
 */
import type { AuditEventView } from './audit.query.js';

const formulaStart = /^[=+\-@\t\r]/;
const needsQuotes = /[",\r\n]/;

/** One cell: neutralised against formula injection, then quoted when it holds `"`, `,`, CR or LF. */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  let cell = String(value);
  if (formulaStart.test(cell)) cell = `'${cell}`;
  return needsQuotes.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

export function csvRow(values: readonly (string | number | null | undefined)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`;
}

/** The columns, in order: every stored field, so the export can be checked against the hash chain. */
export const auditCsvColumns = [
  'seq', 'occurred_at', 'actor_type', 'actor_id', 'actor_role', 'action', 'target_type', 'target_id',
  'outcome', 'changes', 'client_ip', 'request_id', 'prev_hash', 'hash',
] as const;

export function auditCsvRow(e: AuditEventView): string {
  return csvRow([
    e.seq, e.occurredAt.toISOString(), e.actorType, e.actorId, e.actorRole, e.action, e.targetType, e.targetId,
    e.outcome, e.changesJson, e.clientIp, e.requestId, e.prevHash, e.hash,
  ]);
}

/**
 * The CSV text, produced batch by batch so an export never holds more than one batch in memory. Pass
 * batches of up to `maxRows + 1` events: when the extra one arrives, the export stops at `maxRows` and
 * its last line says so (a one-cell row starting with `#`).
 */
export async function* auditCsv(batches: AsyncIterable<AuditEventView[]>, maxRows: number): AsyncGenerator<string> {
  yield csvRow(auditCsvColumns);
  let rows = 0;
  for await (const batch of batches) {
    let chunk = '';
    for (const event of batch) {
      if (rows === maxRows) {
        yield `${chunk}${csvRow([`# Export stopped at ${maxRows.toLocaleString('en-GB')} rows; more events match. Narrow the filters, or export again with before=${event.seq + 1}.`])}`;
        return;
      }
      chunk += auditCsvRow(event);
      rows += 1;
    }
    yield chunk;
  }
}
