import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Small secrets sealed by the key ring (e.g. the blind-index key): the key ring protects them, and
  // key rotation re-encrypts them like any other encrypted column.
  await db.schema
    .createTable('sealed_secret')
    .addColumn('name', 'text', (c) => c.primaryKey().check(sql`name ~ '^[a-z0-9][a-z0-9._-]{0,63}$'`))
    .addColumn('ciphertext', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Where a re-encryption pass stands, per target key and encrypted column, so an interrupted
  // `npm run keys:rotate` resumes after the last committed batch.
  await db.schema
    .createTable('key_rotation_progress')
    .addColumn('target_key_id', 'text', (c) => c.notNull())
    .addColumn('table_name', 'text', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('last_row_id', 'text')
    .addColumn('scanned', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rewritten', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('key_rotation_progress_pk', ['target_key_id', 'table_name', 'column_name'])
    .execute();
}

// No down: dropping these tables would destroy the audit trail or the keys that open stored data.
