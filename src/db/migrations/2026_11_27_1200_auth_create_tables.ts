import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Built-in accounts. The e-mail is personal data: sealed by the key ring (bound to table, column and
  // row id, hence an application-generated id) and found by its blind index (HMAC), never stored plain.
  await db.schema
    .createTable('user_account')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('email_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('email_index', 'bytea', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull().check(sql`password_hash like '$argon2id$%'`))
    .addColumn('email_verified_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // Sessions: only the SHA-256 of the cookie's token is stored, so a copy of this table signs nobody in.
  await db.schema
    .createTable('user_session')
    .addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn('token_hash', 'bytea', (c) => c.notNull().unique().check(sql`octet_length(token_hash) = 32`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('mfa_verified', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('user_session_user_idx').on('user_session').column('user_id').execute();

  // Single-use tokens for links in mail; a token is deleted by the statement that uses it.
  await db.schema
    .createTable('auth_token')
    .addColumn('token_hash', 'bytea', (c) => c.primaryKey().check(sql`octet_length(token_hash) = 32`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('email_verification', 'password_reset')`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_token_user_idx').on('auth_token').columns(['user_id', 'purpose']).execute();

  await db.schema
    .createTable('mfa_totp')
    .addColumn('user_id', 'uuid', (c) => c.primaryKey().references('user_account.id').onDelete('cascade'))
    .addColumn('secret_encrypted', 'bytea', (c) => c.notNull())
    .addColumn('confirmed_at', 'timestamptz')
    .addColumn('last_time_step', 'bigint')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mfa_recovery_code')
    .addColumn('code_hash', 'bytea', (c) => c.primaryKey().check(sql`octet_length(code_hash) = 32`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('mfa_recovery_code_user_idx').on('mfa_recovery_code').column('user_id').execute();

  // Failed sign-in and MFA attempts per key, for the growing delay. Keyed by the e-mail's blind index, so
  // an address without an account is throttled exactly like one with an account.
  await db.schema
    .createTable('auth_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['auth_throttle', 'mfa_recovery_code', 'mfa_totp', 'auth_token', 'user_session', 'user_account']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
