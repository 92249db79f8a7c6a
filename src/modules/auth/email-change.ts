/**
 * Change of e-mail address, as the Copenhagen Book's "Email verification" chapter lays it out for a
 * changed address: the new address is used only once a link mailed to it (a single-use 256-bit token,
 * tokens.ts, stored hashed, valid 24 hours) is opened, and the old address is told at each step.
 *
 * - Asking (after the caller checked the password) seals the new address into `email_change_request`,
 *   issues the link and mails it to the new address; the current address gets a notice. A new request
 *   replaces any earlier one.
 * - No enumeration: when the new address already has an account, nothing is stored, its owner gets a
 *   notice instead of a link, the old address gets the same notice as always, and the caller the same
 *   answer. Both paths seal the address and run one transaction, so they cost about the same.
 * - The notice to the current address carries a "this was not me" link (its own single-use token, valid
 *   as long as the change link): using it cancels the change and every other link, ends every session,
 *   and the caller then mails a reset link to the current address (auth.service.ts).
 * - A password change, a reset, signing out everywhere and any change of factors cancel a pending change
 *   too (recovery.ts): whoever asked for it may be the thief those steps are meant to shut out.
 * - Confirming uses the token in one read-and-delete and, in the same transaction, puts the sealed
 *   address and its blind index on the account, ends every other session and every pending reset or
 *   verification link (they went to the old mailbox), and records `customer.email_changed` in the audit
 *   trail; the notice to the old address is queued (src/modules/outbox) in that same transaction.
 */
import { newId } from '../../kernel/ids.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import type { MailQueue } from '../outbox/index.js';
import { normaliseEmail, type Accounts } from './accounts.js';
import { tokenExpired, tokenInvalid } from './auth.errors.js';
import { emailChangedMail, emailChangeLinkMail, emailChangeRequestedMail, emailInUseMail, type MailBrand } from './auth.mails.js';
import { cancelPendingChanges } from './recovery.js';
import * as repo from './auth.repository.js';
import * as changes from './email-change.repository.js';
import type { Session, Sessions } from './sessions.js';
import { generateToken, hashToken, isWellFormedToken } from './tokens.js';

export const emailChangeHours = 24;

/** The request facts the audit event carries (see src/modules/audit/audit.context.ts). */
export interface RequestFacts {
  clientIp?: string | null;
  requestId?: string | null;
}

export interface EmailChange {
  /** Starts a change to `newEmail` for an account whose password the caller has just checked. */
  request(account: { id: string; email: string }, newEmail: string): Promise<void>;
  /**
   * Uses a link: the account takes the new address. `current` (the request's session, if it belongs to
   * the same account) stays signed in; every other session of the account ends. Returns the account id.
   */
  confirm(token: string, current: Session | undefined, facts: RequestFacts): Promise<string>;
  /**
   * Uses a "this was not me" link: the pending change and every link of the account are cancelled and
   * every session ends. Returns the account (its current address gets the reset link the caller sends).
   */
  cancel(token: string, facts: RequestFacts): Promise<{ userId: string; email: string }>;
}

const pendingRef = (id: string) => ({ table: 'email_change_request', column: 'new_email_encrypted', rowId: id });
const accountRef = (id: string) => ({ table: 'user_account', column: 'email_encrypted', rowId: id });

export function createEmailChange(deps: {
  db: Db;
  now: () => Date;
  fieldEncryption: FieldEncryption;
  accounts: Accounts;
  sessions: Sessions;
  audit: AuditService;
  mail: MailQueue;
  brand: MailBrand;
}): EmailChange {
  const { db, now, fieldEncryption: fe, accounts, mail, brand } = deps;
  return {
    async request(account, newEmail) {
      const address = normaliseEmail(newEmail);
      const id = newId();
      const sealed = await fe.seal(pendingRef(id), address);
      const ownerId = await changes.findUserIdByEmailIndex(db, await accounts.indexOf(address));
      const token = generateToken();
      const cancelToken = generateToken();
      const at = now();
      const expiresAt = new Date(at.getTime() + emailChangeHours * 3_600_000);
      await db.transaction().execute(async (trx) => {
        // Within the new address's mail cooldown nothing changes and nothing is sent; the answer is the same.
        if (!(await mail.claimCooldown(trx, address))) return;
        // Asking again (for any address) cancels the earlier link and its "not me" link.
        await repo.deleteTokensOfUser(trx, account.id, 'email_change');
        await repo.deleteTokensOfUser(trx, account.id, 'email_change_cancel');
        await changes.takeEmailChange(trx, account.id);
        await repo.insertToken(trx, { tokenHash: hashToken(cancelToken), purpose: 'email_change_cancel', userId: account.id, now: at, expiresAt });
        await mail.enqueue(trx, emailChangeRequestedMail(brand, account.email, address, cancelToken, emailChangeHours));
        if (ownerId !== undefined) {
          await mail.enqueue(trx, emailInUseMail(brand, address));
          return;
        }
        await repo.insertToken(trx, {
          tokenHash: hashToken(token),
          purpose: 'email_change',
          userId: account.id,
          now: at,
          expiresAt,
        });
        await changes.insertEmailChange(trx, { id, user_id: account.id, new_email_encrypted: sealed, created_at: at });
        await mail.enqueue(trx, emailChangeLinkMail(brand, address, token, emailChangeHours));
      });
    },

    async confirm(token, current, facts) {
      if (!isWellFormedToken(token)) throw tokenInvalid();
      const at = now();
      const outcome = await db.transaction().execute(async (trx) => {
        const row = await repo.consumeToken(trx, hashToken(token), 'email_change');
        if (row === undefined) return undefined;
        const userId = row.user_id;
        const pending = await changes.takeEmailChange(trx, userId);
        if (row.expires_at <= at) return 'expired' as const;
        const account = await repo.findUserById(trx, userId);
        if (pending === undefined || account === undefined) return undefined;
        const newEmail = await fe.open(pendingRef(pending.id), pending.new_email_encrypted);
        const index = await accounts.indexOf(newEmail);
        // Someone signed up with the address after the link was sent: the link is spent and says only
        // that it cannot be used (asking again mails that address's owner a notice instead).
        if ((await changes.findUserIdByEmailIndex(trx, index)) !== undefined) return undefined;
        const oldEmail = await fe.open(accountRef(userId), account.email_encrypted);
        await changes.updateUserEmail(trx, userId, { encrypted: await fe.seal(accountRef(userId), newEmail), index }, at);
        // Links already mailed to the old address (reset, verification, "not me") must not outlive the change.
        await repo.deleteAllTokensOfUser(trx, userId);
        await repo.deleteSessionsOfUser(trx, userId, current?.userId === userId ? current.id : undefined);
        await deps.audit.record(trx, {
          actor: { type: 'customer', id: userId },
          action: 'customer.email_changed',
          target: { type: 'user_account', id: userId },
          clientIp: facts.clientIp ?? null,
          requestId: facts.requestId ?? null,
        });
        await mail.enqueue(trx, emailChangedMail(brand, oldEmail, newEmail));
        return { userId, oldEmail, newEmail };
      });
      // An expired token is deleted all the same (the transaction commits), so it cannot be tried again.
      if (outcome === undefined) throw tokenInvalid();
      if (outcome === 'expired') throw tokenExpired();
      return outcome.userId;
    },

    async cancel(token, facts) {
      if (!isWellFormedToken(token)) throw tokenInvalid();
      const at = now();
      const outcome = await db.transaction().execute(async (trx) => {
        const row = await repo.consumeToken(trx, hashToken(token), 'email_change_cancel');
        if (row === undefined) return undefined;
        if (row.expires_at <= at) return 'expired' as const;
        const account = await repo.findUserById(trx, row.user_id);
        if (account === undefined) return undefined;
        await cancelPendingChanges(trx, row.user_id);
        await repo.deleteSessionsOfUser(trx, row.user_id);
        await deps.audit.record(trx, {
          actor: { type: 'customer', id: row.user_id },
          action: 'customer.email_change_cancelled',
          target: { type: 'user_account', id: row.user_id },
          clientIp: facts.clientIp ?? null,
          requestId: facts.requestId ?? null,
        });
        return { userId: row.user_id, email: await fe.open(accountRef(row.user_id), account.email_encrypted) };
      });
      if (outcome === undefined) throw tokenInvalid();
      if (outcome === 'expired') throw tokenExpired();
      return outcome;
    },
  };
}
