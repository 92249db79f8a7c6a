import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // An account signed in through an identity provider (AUTH_PROVIDER=cognito) has no local password.
  // The argon2id check stays: a NULL passes it, any value must still be an argon2id PHC string.
  await db.schema.alterTable('user_account').alterColumn('password_hash', (c) => c.dropNotNull()).execute();

  // Which provider subject (the ID token's `sub`) is which account. `sub` is the provider's stable id;
  // the e-mail can change at the provider, so it is never the link.
  await db.schema
    .createTable('external_identity')
    .addColumn('provider', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull().check(sql`length(subject) between 1 and 255`))
    .addColumn('user_id', 'uuid', (c) => c.notNull().references('user_account.id').onDelete('cascade'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('external_identity_pk', ['provider', 'subject'])
    .execute();
  await db.schema.createIndex('external_identity_user_idx').on('external_identity').column('user_id').execute();

  // One sign-in through the provider in progress: state, nonce and PKCE verifier stay on the server; the
  // browser holds only a random token whose SHA-256 is the key, so the attempt is bound to that browser.
  // Used up by DELETE … RETURNING (single use); 10 minutes at most.
  await db.schema
    .createTable('oidc_login_attempt')
    .addColumn('token_hash', 'bytea', (c) => c.primaryKey().check(sql`octet_length(token_hash) = 32`))
    .addColumn('flow', 'text', (c) => c.notNull().check(sql`flow in ('account', 'admin')`))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('nonce', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('oidc_login_attempt_expires_idx').on('oidc_login_attempt').column('expires_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('oidc_login_attempt').ifExists().execute();
  await db.schema.dropTable('external_identity').ifExists().execute();
  // Fails while accounts without a password exist, rather than deleting them.
  await db.schema.alterTable('user_account').alterColumn('password_hash', (c) => c.setNotNull()).execute();
}
