import type { Db } from '../../db/database.js';

/** The SQL of the change-of-e-mail flow (email-change.ts): its pending table and the account's address. */

export interface EmailChangeRow {
  id: string;
  user_id: string;
  new_email_encrypted: Uint8Array;
  created_at: Date;
}

/** Stores the account's pending new address (one per account: take the earlier one first). */
export async function insertEmailChange(db: Db, row: EmailChangeRow): Promise<void> {
  await db.insertInto('email_change_request').values(row).execute();
}

/** Reads and deletes the account's pending change in one statement. */
export function takeEmailChange(db: Db, userId: string): Promise<EmailChangeRow | undefined> {
  return db
    .deleteFrom('email_change_request')
    .where('user_id', '=', userId)
    .returning(['id', 'user_id', 'new_email_encrypted', 'created_at'])
    .executeTakeFirst();
}

/** The id of the account using an address (by its blind index), if any. */
export async function findUserIdByEmailIndex(db: Db, emailIndex: Uint8Array): Promise<string | undefined> {
  const row = await db.selectFrom('user_account').select('id').where('email_index', '=', emailIndex).executeTakeFirst();
  return row?.id;
}

/** Puts a new sealed address and its blind index on the account; the link proved the mailbox, so it is verified. */
export async function updateUserEmail(db: Db, userId: string, email: { encrypted: Uint8Array; index: Uint8Array }, now: Date): Promise<void> {
  await db
    .updateTable('user_account')
    .set({ email_encrypted: email.encrypted, email_index: email.index, email_verified_at: now, updated_at: now })
    .where('id', '=', userId)
    .execute();
}
