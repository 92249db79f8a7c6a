/**
 * Sign-in through the Amazon Cognito user pool (AUTH_PROVIDER=cognito): the OAuth 2.0 authorization-code
 * flow with PKCE, `state` and `nonce` through the pool's hosted UI, then a Bastion session like any other
 * (sessions.ts). docs/auth-cognito.md describes the flow, the checks and the refusals.
 *
 * - `begin` keeps the attempt (state, nonce, PKCE verifier, which flow) on the server for 10 minutes, keyed
 *   by the SHA-256 of a random token that only the browser's cookie holds: the attempt is bound to the
 *   browser that started it (no login CSRF), and the verifier never leaves the server.
 * - `finish` uses the attempt up first (read-and-delete: single use, even for two concurrent callbacks),
 *   then compares `state` exactly, exchanges the code, verifies the ID token (id-token.ts) and finds or
 *   makes the account: by the pool's `sub`; else by an address the token says is verified (linked, unless
 *   the account is linked to the other pool already); else a new account with that verified address and no
 *   password.
 * - `startSession` ends the session the request carried (no fixation) and starts one with the MFA step
 *   done: the pool ran sign-in and its own MFA.
 */
import type { Db } from '../../../db/database.js';
import type { StaffRole } from '../../../kernel/permissions.js';
import { sameSecret } from '../../../kernel/same-secret.js';
import { normaliseEmail, type Accounts } from '../accounts.js';
import * as repo from '../auth.repository.js';
import { reauthMinutes, type Session, type Sessions } from '../sessions.js';
import { generateToken, hashToken, isWellFormedToken } from '../tokens.js';
import { oidcEmailUnverified, oidcOtherPool, oidcStateInvalid, oidcTokenInvalid } from './cognito.errors.js';
import type { IdTokenVerifier } from './id-token.js';
import type { OidcClient } from './oidc-client.js';
import { staffRoleFromGroups } from './staff-role.js';

export type LoginFlow = repo.LoginFlow;

/** How long a started sign-in may take at the hosted UI before its callback is refused. */
export const loginAttemptMinutes = 10;

export interface CognitoSignInDeps {
  db: Db;
  accounts: Accounts;
  sessions: Sessions;
  oidc: OidcClient;
  /** The ID-token verifier, built once the JWKS URI is known (from discovery with COGNITO_ISSUER). */
  verifier: () => Promise<IdTokenVerifier>;
  now: () => Date;
  /** Which pool's subjects these are, for linking them to accounts. */
  provider: repo.IdentityProviderName;
}

/** Who signed in, and how their account was found. */
export interface FederatedSignIn {
  userId: string;
  /** The staff role `cognito:groups` give (null: not staff). */
  role: StaffRole | null;
  account: 'existing' | 'linked' | 'created';
  /** When the credentials were last given at the pool (the ID token's `auth_time`). */
  authenticatedAt: Date | undefined;
}

export interface CognitoSignIn {
  /** Starts an attempt; the token goes in the browser's cookie, the URL is the hosted UI. */
  begin(flow: LoginFlow, redirectUri: string): Promise<{ token: string; url: URL }>;
  /**
   * Completes the attempt of the cookie's token with the callback URL. Throws AUTH_OIDC_STATE_INVALID,
   * AUTH_OIDC_DENIED, AUTH_OIDC_TOKEN_INVALID, AUTH_OIDC_EMAIL_UNVERIFIED or AUTH_OIDC_UNAVAILABLE, having
   * changed nothing but using the attempt up.
   */
  finish(flow: LoginFlow, token: string | undefined, callbackUrl: URL): Promise<FederatedSignIn>;
  /** Ends `previous` (if any) and starts a fully signed-in session for the user. */
  startSession(userId: string, previous: Session | undefined, authenticatedAt: Date | undefined): Promise<{ token: string; session: Session }>;
}

export function createCognitoSignIn(deps: CognitoSignInDeps): CognitoSignIn {
  const { db, accounts, sessions, oidc, now } = deps;

  /** The account of a verified identity, linking or creating it as the module's rules say. */
  const accountOf = async (identity: { subject: string; email: string | undefined; emailVerified: boolean }): Promise<Omit<FederatedSignIn, 'role' | 'authenticatedAt'>> => {
    const linked = await repo.findUserIdByExternalIdentity(db, deps.provider, identity.subject);
    if (linked !== undefined) return { userId: linked, account: 'existing' };
    // Only an address the pool has verified may be linked to an account or given one: otherwise anyone
    // could claim somebody else's account by typing their address at the pool.
    if (!identity.emailVerified || identity.email === undefined) throw oidcEmailUnverified();
    let email: string;
    try {
      email = normaliseEmail(identity.email);
    } catch {
      throw oidcTokenInvalid();
    }
    let how: FederatedSignIn['account'] = 'linked';
    let account = await accounts.findByEmail(email);
    if (account === undefined) {
      const created = await accounts.create(email, null, { emailVerified: true });
      if (created !== undefined) how = 'created';
      // undefined: a concurrent first sign-in with the same address created it a moment ago.
      account = created ?? (await accounts.findByEmail(email));
      if (account === undefined) throw new Error('account neither created nor found');
    }
    // One pool per account: a staff member's address cannot be claimed at the shoppers' pool (or the
    // reverse) and bring the staff role to a sign-in that needed no second factor.
    if (how === 'linked' && (await repo.identityProvidersOf(db, account.id)).some((provider) => provider !== deps.provider)) throw oidcOtherPool();
    // An account whose address was never verified was made by whoever typed the address, not necessarily
    // its owner (pre-account-takeover): the pool has now proved the mailbox, so the address is marked
    // verified and the unproven password dropped before the owner is let in.
    if (account.emailVerifiedAt === null) await repo.adoptUnverifiedAccount(db, account.id, now());
    const userId = await repo.insertExternalIdentity(db, { provider: deps.provider, subject: identity.subject, userId: account.id, now: now() });
    return { userId, account: how };
  };

  return {
    async begin(flow, redirectUri) {
      const checks = oidc.newChecks();
      const url = await oidc.authorizationUrl(redirectUri, checks);
      const token = generateToken();
      const at = now();
      await repo.insertLoginAttempt(db, {
        tokenHash: hashToken(token),
        flow,
        state: checks.state,
        nonce: checks.nonce,
        codeVerifier: checks.codeVerifier,
        now: at,
        expiresAt: new Date(at.getTime() + loginAttemptMinutes * 60_000),
      });
      return { token, url };
    },

    async finish(flow, token, callbackUrl) {
      if (token === undefined || !isWellFormedToken(token)) throw oidcStateInvalid();
      const attempt = await repo.consumeLoginAttempt(db, hashToken(token));
      const state = callbackUrl.searchParams.get('state');
      if (attempt === undefined || attempt.flow !== flow || attempt.expires_at <= now() || state === null || !sameSecret(state, attempt.state)) {
        throw oidcStateInvalid();
      }
      const checks = { state: attempt.state, nonce: attempt.nonce, codeVerifier: attempt.code_verifier };
      const idToken = await oidc.exchange(callbackUrl, checks);
      const identity = await (await deps.verifier()).verify(idToken, { nonce: checks.nonce });
      const found = await accountOf(identity);
      return { ...found, role: staffRoleFromGroups(identity.groups), authenticatedAt: identity.authenticatedAt };
    },

    async startSession(userId, previous, authenticatedAt) {
      // A session the request already had (signed in as anyone, or planted by an attacker) ends here.
      if (previous !== undefined) await sessions.end(previous.id);
      // Credentials given at the pool just now re-authenticate the account; a sign-in that rode on a live
      // pool session (an old `auth_time`) does not, so it cannot change factors or delete the account.
      const fresh = authenticatedAt !== undefined && now().getTime() - authenticatedAt.getTime() <= reauthMinutes * 60_000;
      return sessions.create(userId, { mfaVerified: true, reauthenticated: fresh });
    },
  };
}
