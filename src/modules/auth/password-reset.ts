/**
 * Password reset, as the Copenhagen Book's "Password reset" chapter lays it out: a single-use link with a
 * 256-bit token (tokens.ts), stored hashed, valid one hour; asking again replaces the earlier link.
 * Confirming checks the new password first (so a refused password does not burn the link), then uses the
 * token in one read-and-delete, stores the new hash, marks the address verified (the link proved it),
 * cancels a pending change of e-mail and every other outstanding link (recovery.ts), ends every session
 * of the account and tells the owner by mail. It never signs the user in: with MFA on, a mailbox alone
 * must not be enough to get in.
 */
import type { Db } from '../../db/database.js';
import type { MailQueue } from '../outbox/index.js';
import type { Accounts } from './accounts.js';
import { tokenExpired, tokenInvalid } from './auth.errors.js';
import { passwordChangedMail, passwordResetMail, type MailBrand } from './auth.mails.js';
import * as repo from './auth.repository.js';
import { cancelPendingChanges } from './recovery.js';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.js';
import type { Sessions } from './sessions.js';
import { generateToken, hashToken, isWellFormedToken } from './tokens.js';

export const passwordResetMinutes = 60;

export interface PasswordReset {
  /** Mails a link when the address has an account; does nothing otherwise (the caller answers the same). */
  /**
   * Mails a reset link. `bypassCooldown` is for a request the owner proved by a single-use link from
   * their own mailbox ("this was not me"): it cannot be used to flood, and it must not leave them without
   * a link because someone asked for one a minute ago (that link was just cancelled).
   */
  request(email: string, options?: { bypassCooldown?: boolean }): Promise<void>;
  confirm(token: string, newPassword: string): Promise<void>;
}

export function createPasswordReset(deps: {
  db: Db;
  now: () => Date;
  accounts: Accounts;
  passwords: PasswordHasher;
  sessions: Sessions;
  mail: MailQueue;
  brand: MailBrand;
  /** Clears the account's sign-in and password throttles, in the reset's transaction. */
  clearThrottles: (trx: Db, account: { id: string; email: string }) => Promise<void>;
}): PasswordReset {
  const { db, now, accounts } = deps;
  return {
    async request(email, options = {}) {
      const account = await accounts.findByEmail(email);
      if (account === undefined) return;
      const token = generateToken();
      const at = now();
      await db.transaction().execute(async (trx) => {
        // Within the cooldown the earlier link stands and nothing is sent (the request was answered already).
        if (!(await deps.mail.claimCooldown(trx, account.email)) && options.bypassCooldown !== true) return;
        await repo.replaceUserToken(trx, {
          tokenHash: hashToken(token),
          purpose: 'password_reset',
          userId: account.id,
          now: at,
          expiresAt: new Date(at.getTime() + passwordResetMinutes * 60_000),
        });
        await deps.mail.enqueue(trx, passwordResetMail(deps.brand, account.email, token, passwordResetMinutes));
      });
    },

    async confirm(token, newPassword) {
      if (!isWellFormedToken(token)) throw tokenInvalid();
      assertAcceptablePassword(newPassword);
      const passwordHash = await deps.passwords.hash(newPassword);
      const at = now();
      const outcome = await db.transaction().execute(async (trx) => {
        const row = await repo.consumeToken(trx, hashToken(token), 'password_reset');
        if (row === undefined) return undefined;
        if (row.expires_at <= at) return 'expired' as const;
        await repo.updatePasswordHash(trx, row.user_id, passwordHash, at);
        await repo.markEmailVerified(trx, row.user_id, at);
        // A pending change of e-mail (perhaps a thief's address) and every other link end with the reset.
        await cancelPendingChanges(trx, row.user_id);
        const account = await accounts.findById(row.user_id, trx);
        if (account) {
          // The owner proved the mailbox: whatever locks guessing left on the account ends with the reset.
          await deps.clearThrottles(trx, account);
          await deps.mail.enqueue(trx, passwordChangedMail(deps.brand, account.email, 'every device'));
        }
        return { userId: row.user_id, endedSessions: await repo.deleteSessionsOfUser(trx, row.user_id) };
      });
      // An expired token is deleted all the same (the transaction commits), so it cannot be tried again.
      if (outcome === undefined) throw tokenInvalid();
      if (outcome === 'expired') throw tokenExpired();
    },
  };
}
