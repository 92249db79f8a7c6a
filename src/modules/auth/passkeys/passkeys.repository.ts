import type { Selectable } from 'kysely';
import type { Db } from '../../../db/database.js';
import type { PasskeyCredentialTable } from '../auth.tables.js';

/** Every query of the passkey tables (`passkey_credential`, `webauthn_challenge`). Plain functions taking `db` first. */

export type PasskeyRow = Selectable<PasskeyCredentialTable>;

const passkeyColumns = ['id', 'user_id', 'public_key', 'counter', 'transports', 'device_type', 'backed_up', 'name', 'created_at', 'last_used_at'] as const;

export function findPasskey(db: Db, id: string): Promise<PasskeyRow | undefined> {
  return db.selectFrom('passkey_credential').select(passkeyColumns).where('id', '=', id).executeTakeFirst();
}

/** The user's passkeys, oldest first (the order they were added). */
export function findPasskeysOfUser(db: Db, userId: string): Promise<PasskeyRow[]> {
  return db.selectFrom('passkey_credential').select(passkeyColumns).where('user_id', '=', userId).orderBy('created_at').orderBy('id').execute();
}

/**
 * Adds a passkey unless the user already has `limit`, in one transaction that first locks the account
 * row: two registrations racing cannot both see nine and make eleven. 'taken' when the credential id is
 * already stored (the same authenticator registered twice, on this account or another). `onAdded` runs in
 * the same transaction once the passkey is in (the owner's notice).
 */
export async function insertPasskeyWithinLimit(
  db: Db,
  passkey: Omit<PasskeyRow, 'counter' | 'last_used_at'> & { counter: number },
  limit: number,
  onAdded?: (trx: Db) => Promise<void>,
): Promise<'added' | 'limit' | 'taken' | 'no_account'> {
  return db.transaction().execute(async (trx) => {
    const owner = await trx.selectFrom('user_account').select('id').where('id', '=', passkey.user_id).forUpdate().executeTakeFirst();
    if (owner === undefined) return 'no_account';
    const { n } = await trx
      .selectFrom('passkey_credential')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('user_id', '=', passkey.user_id)
      .executeTakeFirstOrThrow();
    if (Number(n) >= limit) return 'limit';
    const result = await trx
      .insertInto('passkey_credential')
      .values(passkey)
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) !== 1) return 'taken';
    await onAdded?.(trx);
    return 'added';
  });
}

/**
 * Records a use: stores the new signature counter only if it moved forward (or both are 0, for
 * authenticators that keep no counter), in one conditional update. Two sign-ins racing with the same
 * counter value, or a cloned authenticator replaying an old one, cannot both pass.
 */
export async function advancePasskeyCounter(db: Db, id: string, counter: number, backedUp: boolean, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('passkey_credential')
    .set({ counter, backed_up: backedUp, last_used_at: now })
    .where('id', '=', id)
    .where('counter', counter === 0 ? '=' : '<', String(counter))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes one passkey only if it belongs to the user (the ownership check is in the statement); returns its name. */
export async function deletePasskeyOfUser(db: Db, userId: string, id: string): Promise<string | undefined> {
  const row = await db.deleteFrom('passkey_credential').where('id', '=', id).where('user_id', '=', userId).returning('name').executeTakeFirst();
  return row?.name;
}

// --- challenges -----------------------------------------------------------------------------------

export type ChallengePurpose = 'registration' | 'authentication';

/** Stores a challenge's hash, clearing expired ones on the way (the index on expires_at keeps that cheap). */
export async function insertChallenge(
  db: Db,
  challenge: { challengeHash: Uint8Array; purpose: ChallengePurpose; userId: string | null; now: Date; expiresAt: Date },
): Promise<void> {
  await db.deleteFrom('webauthn_challenge').where('expires_at', '<', challenge.now).execute();
  await db
    .insertInto('webauthn_challenge')
    .values({
      challenge_hash: challenge.challengeHash,
      purpose: challenge.purpose,
      user_id: challenge.userId,
      created_at: challenge.now,
      expires_at: challenge.expiresAt,
    })
    .execute();
}

/** Reads and deletes a challenge in one statement: of two concurrent uses, exactly one gets the row. */
export function consumeChallenge(db: Db, challengeHash: Uint8Array, purpose: ChallengePurpose): Promise<{ user_id: string | null; expires_at: Date } | undefined> {
  return db
    .deleteFrom('webauthn_challenge')
    .where('challenge_hash', '=', challengeHash)
    .where('purpose', '=', purpose)
    .returning(['user_id', 'expires_at'])
    .executeTakeFirst();
}
