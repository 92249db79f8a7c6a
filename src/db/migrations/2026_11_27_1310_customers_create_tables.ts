import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Change of e-mail (auth module): a third purpose of single-use link. The pending new address is
  // personal data, so it waits in its own table, sealed and bound to a uuid row id like every other
  // sealed column (auth_token's key is a hash, which the key-rotation pass cannot walk), one per account.
  await sql`alter table auth_token drop constraint auth_token_purpose_check`.execute(db);
  await sql`alter table auth_token add constraint auth_token_purpose_check
    check (purpose in ('email_verification', 'password_reset', 'email_change'))`.execute(db);
  await db.schema
    .createTable('email_change_request')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().unique().references('user_account.id').onDelete('cascade'))
    .addColumn('new_email_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // The customer's own details (customers module). Name and phone are sealed with field encryption,
  // bound to the row (user_id); the marketing choice is not personal data on its own.
  await db.schema
    .createTable('customer_profile')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('user_account.id').onDelete('cascade'))
    .addColumn('full_name_encrypted', 'bytea')
    .addColumn('phone_encrypted', 'bytea')
    .addColumn('marketing_opt_in', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // Saved addresses: every address field is sealed together as one JSON value bound to the row id, so
  // a ciphertext cannot be moved to another customer's row. The label ("Home", "Work") stays plain.
  await db.schema
    .createTable('customer_address')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('address_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.check(sql`char_length(label) <= 40`))
    .addColumn('is_default_shipping', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('is_default_billing', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_address_user_idx').on('customer_address').columns(['user_id', 'created_at']).execute();
  // At most one default of each kind per customer, whatever the application does.
  await db.schema
    .createIndex('customer_address_default_shipping_idx')
    .on('customer_address')
    .column('user_id')
    .unique()
    .where(sql.ref('is_default_shipping'), '=', true)
    .execute();
  await db.schema
    .createIndex('customer_address_default_billing_idx')
    .on('customer_address')
    .column('user_id')
    .unique()
    .where(sql.ref('is_default_billing'), '=', true)
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['customer_address', 'customer_profile', 'email_change_request']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await db.deleteFrom('auth_token').where('purpose', '=', 'email_change').execute();
  await sql`alter table auth_token drop constraint auth_token_purpose_check`.execute(db);
  await sql`alter table auth_token add constraint auth_token_purpose_check
    check (purpose in ('email_verification', 'password_reset'))`.execute(db);
}
