import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // A staff member is an account with a back-office role; removing the role leaves the account.
  await db.schema
    .createTable('staff_member')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('user_account.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor')`),
    )
    .addColumn('invited_by', 'uuid', (c) => c.references('user_account.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Invitations: the link's token is stored as its SHA-256; the invited address is personal data, sealed
  // (bound to the row id) with a blind index so a second invitation to the same address replaces the first.
  await db.schema
    .createTable('staff_invitation')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique().check(sql`octet_length(token_hash) = 32`))
    .addColumn('email_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('email_index', 'bytea', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role in ('owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor')`),
    )
    .addColumn('invited_by', 'uuid', (c) => c.references('user_account.id').onDelete('set null'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_invitation_email_idx').on('staff_invitation').column('email_index').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_invitation').ifExists().execute();
  await db.schema.dropTable('staff_member').ifExists().execute();
}
