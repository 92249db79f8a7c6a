/**
 * What every recovery step takes away from whoever else may hold the account. A password change, a reset,
 * signing out everywhere and any change of factors call `cancelPendingChanges` in their own transaction:
 * a pending change of e-mail (its new address may be a thief's mailbox, and its link needs no session)
 * and every outstanding single-use link (reset, verification, change and cancel links) end with it. A
 * step that mails a fresh link issues it after this, in the same transaction or later.
 */
import type { Db } from '../../db/database.js';
import * as repo from './auth.repository.js';
import * as changes from './email-change.repository.js';

/** Deletes the account's pending change of e-mail and every single-use link it has outstanding. */
export async function cancelPendingChanges(trx: Db, userId: string): Promise<void> {
  await repo.deleteAllTokensOfUser(trx, userId);
  await changes.takeEmailChange(trx, userId);
}
