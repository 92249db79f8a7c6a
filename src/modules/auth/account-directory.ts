/**
 * What other modules may know about accounts, without reaching into the auth tables: the address of an
 * account, whether it has MFA, which Cognito pools it signs in through, and the staff invitation's "prove or
 * create" step. The staff module uses
 * it; it never reads `user_account` itself.
 */
import type { Db } from '../../db/database.js';
import type { Accounts } from './accounts.js';
import { invalidCredentials } from './auth.errors.js';
import * as repo from './auth.repository.js';
import type { Mfa } from './mfa.js';
import { assertAcceptablePassword, type PasswordHasher } from './passwords.js';
import type { Throttle } from './throttle.js';

export interface AccountDirectory {
  emailOf(userId: string): Promise<string | undefined>;
  /** The account id of an address, if it has one. */
  idOf(email: string): Promise<string | undefined>;
  mfaEnabled(userId: string): Promise<boolean>;
  /** The Cognito pools the account signs in through (none: the built-in provider alone). */
  identityProvidersOf(userId: string): Promise<repo.IdentityProviderName[]>;
  /**
   * For a link sent to `email` (a staff invitation): an existing account must prove itself with its
   * password (throttled like sign-in); otherwise a new account is made with this password. Either way the
   * address counts as verified, since the link reached its mailbox.
   */
  claim(email: string, password: string): Promise<{ userId: string; created: boolean }>;
}

export function createAccountDirectory(deps: {
  db: Db;
  now: () => Date;
  accounts: Accounts;
  passwords: PasswordHasher;
  throttle: Throttle;
  mfa: Mfa;
  accountKey: (email: string) => Promise<string>;
}): AccountDirectory {
  const { db, now, accounts, passwords, throttle } = deps;
  return {
    emailOf: async (userId) => (await accounts.findById(userId))?.email,
    idOf: async (email) => (await accounts.findByEmail(email))?.id,
    mfaEnabled: (userId) => deps.mfa.isEnabled(userId),
    identityProvidersOf: (userId) => repo.identityProvidersOf(db, userId),

    async claim(email, password) {
      const key = await deps.accountKey(email);
      await throttle.assertOpen(key);
      const existing = await accounts.findByEmail(email);
      if (existing !== undefined) {
        const ok = existing.passwordHash ? await passwords.verify(existing.passwordHash, password) : await passwords.verifyAgainstDummy(password).then(() => false);
        if (!ok) {
          await throttle.fail(key);
          throw invalidCredentials();
        }
        await throttle.succeed(key);
        await repo.markEmailVerified(db, existing.id, now());
        return { userId: existing.id, created: false };
      }
      assertAcceptablePassword(password);
      const created = await accounts.create(email, await passwords.hash(password));
      // A concurrent sign-up took the address between the two statements: treat it as an existing account.
      if (created === undefined) throw invalidCredentials();
      await repo.markEmailVerified(db, created.id, now());
      return { userId: created.id, created: true };
    },
  };
}
