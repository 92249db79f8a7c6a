/**
 * Email verification, as the Copenhagen Book's "Email verification" chapter lays it out: a single-use
 * link carrying a 256-bit token (tokens.ts), stored hashed, valid 24 hours, replaced by each new one.
 * Using it is one read-and-delete, so a link confirms once; an expired link says so (AUTH_TOKEN_EXPIRED)
 * and a used or unknown one does not say which (AUTH_TOKEN_INVALID).
 */
import type { Db } from '../../db/database.js';
import type { MailQueue } from '../outbox/index.js';
import { tokenExpired, tokenInvalid } from './auth.errors.js';
import { verificationMail, type MailBrand } from './auth.mails.js';
import * as repo from './auth.repository.js';
import { generateToken, hashToken, isWellFormedToken } from './tokens.js';

export const emailVerificationHours = 24;

export interface EmailVerification {
  /** Replaces any earlier link with a new one and queues its mail, in `trx` when given (else in one of its own). */
  send(account: { id: string; email: string }, trx?: Db): Promise<void>;
  /** Uses a link: marks the account's address verified and returns the account id. */
  confirm(token: string): Promise<string>;
}

export function createEmailVerification(deps: { db: Db; now: () => Date; mail: MailQueue; brand: MailBrand }): EmailVerification {
  const { db, now } = deps;
  return {
    async send(account, trx) {
      const token = generateToken();
      const at = now();
      const issue = async (t: Db): Promise<void> => {
        // Within the cooldown the earlier link stands and nothing is sent; the caller answers the same.
        if (!(await deps.mail.claimCooldown(t, account.email))) return;
        await repo.replaceUserToken(t, {
          tokenHash: hashToken(token),
          purpose: 'email_verification',
          userId: account.id,
          now: at,
          expiresAt: new Date(at.getTime() + emailVerificationHours * 3_600_000),
        });
        await deps.mail.enqueue(t, verificationMail(deps.brand, account.email, token, emailVerificationHours));
      };
      await (trx ? issue(trx) : db.transaction().execute(issue));
    },
    async confirm(token) {
      if (!isWellFormedToken(token)) throw tokenInvalid();
      const row = await repo.consumeToken(db, hashToken(token), 'email_verification');
      if (row === undefined) throw tokenInvalid();
      const at = now();
      if (row.expires_at <= at) throw tokenExpired();
      await repo.markEmailVerified(db, row.user_id, at);
      return row.user_id;
    },
  };
}
