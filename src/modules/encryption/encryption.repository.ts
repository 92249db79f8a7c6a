import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { EncryptedColumn } from './encrypted-columns.js';

/** SQL of the encryption module: sealed secrets, rotation progress, and batches of registered columns. */

export async function findSealedSecret(db: Db, name: string): Promise<Uint8Array | undefined> {
  const row = await db.selectFrom('sealed_secret').select('ciphertext').where('name', '=', name).executeTakeFirst();
  return row?.ciphertext;
}

/** Inserts unless another process got there first; returns whichever ciphertext is stored. */
export async function insertSealedSecret(db: Db, name: string, ciphertext: Uint8Array): Promise<Uint8Array> {
  await db.insertInto('sealed_secret').values({ name, ciphertext }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const stored = await findSealedSecret(db, name);
  if (stored === undefined) throw new Error(`sealed secret ${name} vanished`);
  return stored;
}

export interface RotationProgress {
  lastRowId: string | null;
  scanned: number;
  rewritten: number;
  completed: boolean;
}

export async function findRotationProgress(db: Db, keyId: string, column: EncryptedColumn): Promise<RotationProgress | undefined> {
  const row = await db
    .selectFrom('key_rotation_progress')
    .selectAll()
    .where('target_key_id', '=', keyId)
    .where('table_name', '=', column.table)
    .where('column_name', '=', column.column)
    .executeTakeFirst();
  return row && { lastRowId: row.last_row_id, scanned: Number(row.scanned), rewritten: Number(row.rewritten), completed: row.completed_at !== null };
}

export async function saveRotationProgress(db: Db, keyId: string, column: EncryptedColumn, progress: RotationProgress): Promise<void> {
  const values = {
    last_row_id: progress.lastRowId,
    scanned: progress.scanned,
    rewritten: progress.rewritten,
    completed_at: progress.completed ? new Date() : null,
    updated_at: new Date(),
  };
  await db
    .insertInto('key_rotation_progress')
    .values({ target_key_id: keyId, table_name: column.table, column_name: column.column, ...values })
    .onConflict((oc) => oc.columns(['target_key_id', 'table_name', 'column_name']).doUpdateSet(values))
    .execute();
}

export async function deleteRotationProgress(db: Db, keyId: string): Promise<void> {
  await db.deleteFrom('key_rotation_progress').where('target_key_id', '=', keyId).execute();
}

export interface CiphertextRow {
  id: string;
  value: Buffer;
}

/**
 * The next rows of a registered column after `afterId`, in primary-key order, skipping NULLs.
 * Identifiers come from the registry (checked by assertValidColumns), never from input.
 *
 *   select id::text as id, col as value from t where col is not null and id > $1 order by id limit $2
 */
export async function findCiphertextBatch(db: Db, column: EncryptedColumn, afterId: string | null, limit: number): Promise<CiphertextRow[]> {
  const id = sql.ref(column.idColumn);
  const value = sql.ref(column.column);
  const after = afterId === null ? sql`` : sql`and ${id} > ${afterId}`;
  const result = await sql<{ id: string; value: Uint8Array }>`
    select ${id}::text as id, ${value} as value from ${sql.table(column.table)}
    where ${value} is not null ${after}
    order by ${id} limit ${limit}`.execute(db);
  return result.rows.map((r) => ({ id: r.id, value: Buffer.from(r.value) }));
}

/**
 * Replaces one ciphertext only if it is still the one that was read, so a value the application
 * rewrote meanwhile (already under the current key) is never overwritten with stale data.
 * Returns true when the row was updated.
 */
export async function updateCiphertextIfUnchanged(db: Db, column: EncryptedColumn, rowId: string, expected: Uint8Array, next: Uint8Array): Promise<boolean> {
  const id = sql.ref(column.idColumn);
  const value = sql.ref(column.column);
  const result = await sql`
    update ${sql.table(column.table)} set ${value} = ${next}
    where ${id} = ${rowId} and ${value} = ${expected}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}
