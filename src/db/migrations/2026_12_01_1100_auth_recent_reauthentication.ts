import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * Recent re-authentication and the passkey behind a session:
 * - `user_session.reauthenticated_at`: when the holder last proved the password and second factor (or a
 *   user-verified passkey); changes of factors, address, password and deletion need it to be recent.
 * - `user_session.passkey_id`: the passkey a session was started with; removing the passkey deletes the
 *   session (the foreign key cascades, so no path can leave such a session behind).
 * - `user_session.device`: a short label of the browser and system ("Firefox on Linux") derived from the
 *   User-Agent of the browser holding the session; the raw header is not kept (the list needs no more).
 * - `auth_token` gains a fourth purpose, `email_change_cancel`: the "this was not me" link in the notice
 *   to the old address.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('user_session').addColumn('reauthenticated_at', 'timestamptz').execute();
  await db.schema
    .alterTable('user_session')
    .addColumn('passkey_id', 'text', (c) => c.references('passkey_credential.id').onDelete('cascade'))
    .execute();
  await db.schema
    .alterTable('user_session')
    .addColumn('device', 'text', (c) => c.check(sql`char_length(device) <= 100`))
    .execute();
  await db.schema.createIndex('user_session_passkey_idx').on('user_session').column('passkey_id').where('passkey_id', 'is not', null).execute();
  await sql`alter table auth_token drop constraint auth_token_purpose_check`.execute(db);
  await sql`alter table auth_token add constraint auth_token_purpose_check
    check (purpose in ('email_verification', 'password_reset', 'email_change', 'email_change_cancel'))`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.deleteFrom('auth_token').where('purpose', '=', 'email_change_cancel').execute();
  await sql`alter table auth_token drop constraint auth_token_purpose_check`.execute(db);
  await sql`alter table auth_token add constraint auth_token_purpose_check
    check (purpose in ('email_verification', 'password_reset', 'email_change'))`.execute(db);
  await db.schema.dropIndex('user_session_passkey_idx').ifExists().execute();
  await db.schema.alterTable('user_session').dropColumn('device').execute();
  await db.schema.alterTable('user_session').dropColumn('passkey_id').execute();
  await db.schema.alterTable('user_session').dropColumn('reauthenticated_at').execute();
}
