import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Passkeys (WebAuthn credentials). The id is the credential id as the browser sends it (base64url), so
  // a sign-in finds its credential by primary key. Only the public key is stored: a copy of this table
  // signs nobody in. `counter` is the authenticator's signature counter (0 for those that keep none).
  await db.schema
    .createTable('passkey_credential')
    .addColumn('id', 'text', (c) => c.primaryKey().check(sql`id ~ '^[A-Za-z0-9_-]{16,200}$'`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('public_key', 'bytea', (c) => c.notNull())
    .addColumn('counter', 'bigint', (c) => c.notNull().defaultTo(0).check(sql`counter >= 0`))
    .addColumn('transports', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('device_type', 'text', (c) => c.notNull().check(sql`device_type in ('singleDevice', 'multiDevice')`))
    .addColumn('backed_up', 'boolean', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull().check(sql`char_length(name) between 1 and 60`))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_used_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('passkey_credential_user_idx').on('passkey_credential').column('user_id').execute();

  // WebAuthn challenges: single use, five minutes. Stored as the SHA-256 of the challenge and deleted by
  // the statement that uses it, like the tokens in auth_token. A registration challenge belongs to the
  // signed-in account that asked for it; a sign-in challenge belongs to nobody yet.
  await db.schema
    .createTable('webauthn_challenge')
    .addColumn('challenge_hash', 'bytea', (c) => c.primaryKey().check(sql`octet_length(challenge_hash) = 32`))
    .addColumn('purpose', 'text', (c) => c.notNull().check(sql`purpose in ('registration', 'authentication')`))
    .addColumn('user_id', 'uuid', (c) => c.references('user_account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addCheckConstraint('webauthn_challenge_registration_user', sql`purpose <> 'registration' or user_id is not null`)
    .execute();
  await db.schema.createIndex('webauthn_challenge_expires_idx').on('webauthn_challenge').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('webauthn_challenge').ifExists().execute();
  await db.schema.dropTable('passkey_credential').ifExists().execute();
}
