import type { KeyRing } from '../../adapters/keys/key-ring.js';
import type { Db } from '../../db/database.js';
import { assertValidColumns, type EncryptedColumn } from './encrypted-columns.js';
import * as repo from './encryption.repository.js';
import { fieldContext } from './field-encryption.js';

export interface ColumnRotationReport {
  table: string;
  column: string;
  /** Values looked at in this run and before it (the pass is resumable). */
  scanned: number;
  /** Values re-encrypted under the target key. */
  rewritten: number;
  /** Values the application changed while the pass ran (left alone: written under the current key). */
  changedMeanwhile: number;
  complete: boolean;
}

export interface RotationReport {
  targetKeyId: string;
  columns: ColumnRotationReport[];
  complete: boolean;
}

export interface ReencryptOptions {
  batchSize?: number;
  /** Start again from the first row instead of resuming a pass to the same key. */
  restart?: boolean;
  /** Called after each committed batch; throwing stops the pass (progress so far is kept). */
  onBatch?: (report: ColumnRotationReport) => void | Promise<void>;
}

/**
 * Re-encrypts every registered column under the key ring's current key, in batches of `batchSize`
 * rows in primary-key order. Each batch is decrypted and re-sealed outside any transaction, then
 * written with compare-and-set updates and the cursor in one short transaction, so the shop keeps
 * serving (no table lock) and an interrupted pass resumes after its last committed batch. Values
 * already under the current key are skipped by reading the key id from their header.
 */
export async function reencryptColumns(
  deps: { db: Db; keyRing: KeyRing; columns: readonly EncryptedColumn[] },
  options: ReencryptOptions = {},
): Promise<RotationReport> {
  const { db, keyRing, columns } = deps;
  assertValidColumns(columns);
  const targetKeyId = keyRing.currentKeyId();
  const batchSize = options.batchSize ?? 200;
  if (options.restart) await repo.deleteRotationProgress(db, targetKeyId);

  const reports: ColumnRotationReport[] = [];
  for (const column of columns) {
    const saved = await repo.findRotationProgress(db, targetKeyId, column);
    const progress: repo.RotationProgress = saved ?? { lastRowId: null, scanned: 0, rewritten: 0, completed: false };
    const report: ColumnRotationReport = {
      table: column.table, column: column.column, scanned: progress.scanned, rewritten: progress.rewritten,
      changedMeanwhile: 0, complete: progress.completed,
    };
    reports.push(report);
    while (!progress.completed) {
      const rows = await repo.findCiphertextBatch(db, column, progress.lastRowId, batchSize);
      const updates: { id: string; before: Buffer; after: Buffer }[] = [];
      for (const row of rows) {
        if (keyRing.keyIdOf(row.value) === targetKeyId) continue;
        const context = fieldContext({ table: column.table, column: column.column, rowId: row.id });
        const plaintext = await keyRing.decrypt(row.value, context);
        updates.push({ id: row.id, before: row.value, after: await keyRing.encrypt(plaintext, context) });
        plaintext.fill(0);
      }
      await db.transaction().execute(async (trx) => {
        for (const u of updates) {
          if (await repo.updateCiphertextIfUnchanged(trx, column, u.id, u.before, u.after)) progress.rewritten += 1;
          else report.changedMeanwhile += 1;
        }
        progress.scanned += rows.length;
        progress.lastRowId = rows.at(-1)?.id ?? progress.lastRowId;
        progress.completed = rows.length < batchSize;
        await repo.saveRotationProgress(trx, targetKeyId, column, progress);
      });
      Object.assign(report, { scanned: progress.scanned, rewritten: progress.rewritten, complete: progress.completed });
      await options.onBatch?.({ ...report });
    }
  }
  return { targetKeyId, columns: reports, complete: reports.every((r) => r.complete) };
}

/**
 * Counts stored ciphertexts by the key that sealed them, reading only headers. A key may be retired
 * once this finds nothing under it.
 */
export async function countCiphertextsByKey(
  deps: { db: Db; keyRing: KeyRing; columns: readonly EncryptedColumn[] },
  batchSize = 500,
): Promise<Map<string, number>> {
  assertValidColumns(deps.columns);
  const counts = new Map<string, number>();
  for (const column of deps.columns) {
    let after: string | null = null;
    for (;;) {
      const rows = await repo.findCiphertextBatch(deps.db, column, after, batchSize);
      for (const row of rows) {
        const keyId = deps.keyRing.keyIdOf(row.value);
        counts.set(keyId, (counts.get(keyId) ?? 0) + 1);
      }
      if (rows.length < batchSize) break;
      after = rows.at(-1)!.id;
    }
  }
  return counts;
}
