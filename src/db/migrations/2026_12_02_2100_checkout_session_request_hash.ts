import type { Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // The JSON checkout's row remembers the request its key came with, so a repeat of the key with another
  // body is refused from the row itself, whatever became of the key's own record.
  await db.schema.alterTable('checkout_session').addColumn('request_hash', 'bytea').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('checkout_session').dropColumn('request_hash').execute();
}
