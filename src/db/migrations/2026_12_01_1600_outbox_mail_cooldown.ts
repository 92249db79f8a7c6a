import type { Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * The per-recipient cooldown of account mail a stranger can trigger (reset, verification, invitation,
 * change of e-mail): one row per address, keyed by its blind index (never the address itself).
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('mail_cooldown')
    .addColumn('recipient_index', 'bytea', (c) => c.primaryKey())
    .addColumn('until', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mail_cooldown_until_idx').on('mail_cooldown').column('until').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_cooldown').execute();
}
