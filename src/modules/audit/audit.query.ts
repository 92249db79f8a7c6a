/**
 * The read side of the audit trail, for the back office: filters parsed from a query string (the same
 * rules for the API, the CSV export and the page), a keyset-paginated search, newest first, and batches
 * for the export. Reading the trail is not itself audited; the staff guard audits refused attempts.
 */
import type { Db } from '../../db/database.js';
import * as repo from './audit.repository.js';
import type { ActorType, AuditEvent, AuditOutcome, FieldChange } from './audit.types.js';

export type EventFilter = repo.EventFilter;

/** Events per page of the API and the page. */
export const auditPageSize = 50;
/** Counting stops here, so a count over a huge trail stays cheap ("more than 100,000"). */
export const auditCountCap = 100_000;
/** The CSV export stops here; its last line says so. */
export const auditExportMaxRows = 100_000;

/** The filters as they arrive in a query string (all text, all optional). */
export interface AuditQueryInput {
  actor?: string | undefined;
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  outcome?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  before?: string | undefined;
}

export const auditQueryFields = ['actor', 'action', 'targetType', 'targetId', 'outcome', 'from', 'to', 'before'] as const;
export type AuditQueryField = (typeof auditQueryFields)[number];

/** A validated search: the filter, the page's keyset position, and the filters as they go into links. */
export interface AuditSearch {
  filter: EventFilter;
  before?: number;
  /** The non-empty filters, trimmed, without `before`: what next/previous and CSV links carry. */
  params: Partial<Record<Exclude<AuditQueryField, 'before'>, string>>;
}

export interface AuditFilterError {
  field: AuditQueryField;
  message: string;
}

export type ParsedAuditQuery = { ok: true; search: AuditSearch } | { ok: false; errors: AuditFilterError[]; params: AuditSearch['params'] };

export const actorTypes: readonly ActorType[] = ['staff', 'customer', 'system', 'anonymous'];
export const outcomes: readonly AuditOutcome[] = ['success', 'failure', 'denied'];

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex -- the point is to refuse control characters
const control = /[\u0000-\u001f\u007f]/;
const timeValue = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * A date (`2026-11-27`), a datetime-local value (`2026-11-27T14:30`, seconds optional) or a full ISO
 * time; without an offset it is UTC. Returns the first instant it names and the first instant after it
 * at its own precision, so `to=2026-11-27` takes in the whole day and `to=…T14:30` the whole minute.
 */
export function parseTimeFilter(value: string): { start: Date; end: Date } | undefined {
  const m = timeValue.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, ms, zone] = m;
  if (h === undefined && zone !== undefined) return undefined;
  const parts = [Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), Number((ms ?? '0').padEnd(3, '0'))] as const;
  const local = new Date(Date.UTC(...parts));
  // Date.UTC rolls 2026-02-30 over to March; a real date survives the round trip unchanged.
  if (local.getUTCFullYear() !== parts[0] || local.getUTCMonth() !== parts[1] || local.getUTCDate() !== parts[2] || parts[3] > 23 || parts[4] > 59 || parts[5] > 59) {
    return undefined;
  }
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const [oh, om] = zone.slice(1).split(':').map(Number) as [number, number];
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const start = new Date(local.getTime() - offsetMinutes * 60_000);
  const step = h === undefined ? 86_400_000 : s === undefined ? 60_000 : ms === undefined ? 1_000 : 1;
  return { start, end: new Date(start.getTime() + step) };
}

const text = (value: string, field: AuditQueryField, label: string, max: number, errors: AuditFilterError[]): string | undefined => {
  if (value.length > max) errors.push({ field, message: `${label} must be ${max} characters or fewer` });
  else if (control.test(value)) errors.push({ field, message: `${label} must not contain control characters` });
  else return value;
  return undefined;
};

/**
 * Validates the filters of an audit search. Empty values mean "no filter" (a GET form sends every field).
 *
 * - `actor`: an actor id (a UUID) or an actor type: staff, customer, system, anonymous
 * - `action`: exact (`staff.role_changed`), or a prefix: ending in `.` (`staff.`) or `*` (`staff.invit*`)
 * - `targetType`, `targetId`: exact
 * - `outcome`: success, failure or denied
 * - `from`, `to`: dates or times (see parseTimeFilter), both inclusive; from must not be after to
 * - `before`: an event's seq; the page holds the events older than it
 */
export function parseAuditQuery(input: AuditQueryInput): ParsedAuditQuery {
  const errors: AuditFilterError[] = [];
  const filter: EventFilter = {};
  const params: AuditSearch['params'] = {};
  const value = (field: AuditQueryField) => input[field]?.trim() ?? '';

  const actor = value('actor');
  if (actor !== '') {
    params.actor = actor;
    if (uuid.test(actor)) filter.actorId = actor.toLowerCase();
    else if ((actorTypes as readonly string[]).includes(actor)) filter.actorType = actor as ActorType;
    else errors.push({ field: 'actor', message: 'Actor must be staff, customer, system or anonymous, or an actor id (a UUID)' });
  }

  const action = value('action');
  if (action !== '') {
    params.action = action;
    const checked = text(action, 'action', 'Action', 100, errors);
    if (checked !== undefined) {
      const starred = checked.endsWith('*');
      const prefix = starred ? checked.slice(0, -1) : checked;
      if (prefix === '' || prefix.includes('*')) errors.push({ field: 'action', message: 'Action must be a name like staff.joined, or a prefix like staff. or staff.invit*' });
      else filter.action = starred || prefix.endsWith('.') ? { prefix } : { exact: prefix };
    }
  }

  const targetType = value('targetType');
  if (targetType !== '') {
    params.targetType = targetType;
    const checked = text(targetType, 'targetType', 'Target type', 100, errors);
    if (checked !== undefined) filter.targetType = checked;
  }

  const targetId = value('targetId');
  if (targetId !== '') {
    params.targetId = targetId;
    const checked = text(targetId, 'targetId', 'Target id', 200, errors);
    if (checked !== undefined) filter.targetId = checked;
  }

  const outcome = value('outcome');
  if (outcome !== '') {
    params.outcome = outcome;
    if ((outcomes as readonly string[]).includes(outcome)) filter.outcome = outcome as AuditOutcome;
    else errors.push({ field: 'outcome', message: 'Outcome must be success, failure or denied' });
  }

  const times: { from?: { start: Date; end: Date }; to?: { start: Date; end: Date } } = {};
  for (const [field, label] of [['from', 'From'], ['to', 'To']] as const) {
    const raw = value(field);
    if (raw === '') continue;
    params[field] = raw;
    const parsed = parseTimeFilter(raw);
    if (parsed === undefined) errors.push({ field, message: `${label} must be a real date like 2026-11-27, or a date and time like 2026-11-27T14:30` });
    else times[field] = parsed;
  }
  if (times.from !== undefined) filter.from = times.from.start;
  if (times.to !== undefined) filter.until = times.to.end;
  if (times.from !== undefined && times.to !== undefined && times.from.start.getTime() > times.to.start.getTime()) {
    errors.push({ field: 'to', message: 'To must be the same as or later than From' });
  }

  let before: number | undefined;
  const rawBefore = value('before');
  if (rawBefore !== '') {
    before = /^[1-9]\d{0,15}$/.test(rawBefore) ? Number(rawBefore) : undefined;
    if (before === undefined || !Number.isSafeInteger(before)) errors.push({ field: 'before', message: 'before must be a whole number above zero (an event’s sequence number)' });
  }

  if (errors.length > 0) return { ok: false, errors, params };
  return { ok: true, search: { filter, params, ...(before !== undefined ? { before } : {}) } };
}

/** `?actor=…&action=…` from a search's params plus extras (undefined values left out); '' when empty. */
export function auditQueryString(params: AuditSearch['params'], extra: Partial<Record<AuditQueryField, string | number | undefined>> = {}): string {
  const query = new URLSearchParams();
  for (const field of auditQueryFields) {
    const v = field === 'before' ? extra.before : (extra[field] ?? params[field]);
    if (v !== undefined && v !== '') query.set(field, String(v));
  }
  const s = query.toString();
  return s === '' ? '' : `?${s}`;
}

/** A stored event as the back office shows it, the change set parsed. */
export interface AuditEventView extends Omit<AuditEvent, 'changes'> {
  changes: Record<string, FieldChange> | null;
  /** The changes exactly as stored and hashed (canonical JSON), for the export. */
  changesJson: string | null;
}

export function toView(event: AuditEvent): AuditEventView {
  let changes: Record<string, FieldChange> | null = null;
  if (event.changes !== null) {
    try {
      const parsed: unknown = JSON.parse(event.changes);
      if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) changes = parsed as Record<string, FieldChange>;
    } catch {
      // A row whose changes do not parse was tampered with; audit:verify reports it, the list still shows the row.
      changes = null;
    }
  }
  return { ...event, changes, changesJson: event.changes };
}

/** One page of the trail, newest first. */
export interface AuditPage {
  items: AuditEventView[];
  /** `before` for the next (older) page, or null on the last page. */
  nextBefore: number | null;
  /** The newer page: `{}` for the first page, `{ before }` for another, null when this is the first. */
  newer: { before?: number } | null;
  /** Matching events, counted up to auditCountCap; `totalExact` is false when there are more. */
  total: number;
  totalExact: boolean;
  /** How many matching events are newer than this page (its first item is number offset + 1). */
  offset: number;
}

export interface AuditQuery {
  /** One page of matching events older than `search.before`, with the counts and links around it. */
  page(search: AuditSearch, options?: { pageSize?: number }): Promise<AuditPage>;
  /** Matching events older than `before`, newest first, in batches, at most `limit` of them: for exports. */
  batches(filter: EventFilter, options: { limit: number; before?: number; batchSize?: number }): AsyncGenerator<AuditEventView[]>;
}

export function createAuditQuery(deps: { db: Db }): AuditQuery {
  const { db } = deps;
  const count = async (filter: EventFilter, newerThan?: number) => {
    const n = await repo.countEvents(db, filter, { cap: auditCountCap, ...(newerThan !== undefined ? { newerThan } : {}) });
    return { n: Math.min(n, auditCountCap), exact: n <= auditCountCap };
  };

  return {
    async page(search, options = {}) {
      const size = options.pageSize ?? auditPageSize;
      const { filter, before } = search;
      const [rows, total] = await Promise.all([
        repo.findEventsPage(db, filter, { ...(before !== undefined ? { before } : {}), limit: size + 1 }),
        count(filter),
      ]);
      const items = rows.slice(0, size).map(toView);
      const nextBefore = rows.length > size ? items[items.length - 1]!.seq : null;
      let newer: AuditPage['newer'] = null;
      let offset = 0;
      if (before !== undefined) {
        // The newest event this page could hold; the newer page is the `size` matching events above it.
        const top = items[0]?.seq ?? before - 1;
        const [above, newerCount] = await Promise.all([repo.findNewerSeqs(db, filter, top, size + 1), count(filter, top)]);
        if (above.length > 0) newer = above.length <= size ? {} : { before: above[size - 1]! + 1 };
        offset = newerCount.n;
      }
      return { items, nextBefore, newer, total: total.n, totalExact: total.exact, offset };
    },

    async *batches(filter, options) {
      const batchSize = options.batchSize ?? 1_000;
      let before = options.before;
      let left = options.limit;
      while (left > 0) {
        const rows = await repo.findEventsPage(db, filter, { ...(before !== undefined ? { before } : {}), limit: Math.min(batchSize, left) });
        if (rows.length === 0) return;
        yield rows.map(toView);
        left -= rows.length;
        before = rows[rows.length - 1]!.seq;
        if (rows.length < Math.min(batchSize, left + rows.length)) return;
      }
    },
  };
}
