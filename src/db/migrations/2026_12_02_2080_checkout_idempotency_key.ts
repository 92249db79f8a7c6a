import { type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The API's Idempotency-Key with a hash of the request it first came with (checkout module): the same
  // key with another request is refused. Purged by age with the checkouts.
  await db.schema
    .createTable('checkout_idempotency_key')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('request_hash', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('checkout_idempotency_key_created_idx').on('checkout_idempotency_key').column('created_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('checkout_idempotency_key').ifExists().execute();
}
