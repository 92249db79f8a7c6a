import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../../../config.js';
import type { Db } from '../../../db/database.js';
import { AppError } from '../../../kernel/errors.js';
import { privateNoStore } from '../../../http/answers.js';
import { readCookie } from '../../../http/csrf.js';
import { isSecureRequest } from '../../../http/proxy-trust.js';
import { normalisePath } from '../../../http/rate-limit-rules.js';
import type { PageContext, PageContextOf } from '../../../web/page-context.js';
import { sendPrivatePage } from '../../../web/html-reply.js';
import type { FieldEncryption } from '../../encryption/index.js';
import type { StaffRole } from '../../../kernel/permissions.js';
import { createAccounts } from '../accounts.js';
import { logAuthEvent } from '../auth.events.js';
import type { IdentityProviderName } from '../auth.repository.js';
import type { CognitoConfig } from '../auth.settings.js';
import type { AuthService } from '../auth.service.js';
import { setSessionCookie, type Session } from '../sessions.js';
import { providerIsCognito, staffPoolRequired } from './cognito.errors.js';
import { createCognitoSignIn, loginAttemptMinutes, type LoginFlow } from './cognito.service.js';
import { createIdTokenVerifier, type IdTokenVerifier } from './id-token.js';
import { createOidcClient } from './oidc-client.js';

export interface CognitoAuthDeps {
  config: Pick<Config, 'auth' | 'publicUrl' | 'nodeEnv'>;
  db: Db;
  fieldEncryption: FieldEncryption;
  auth: AuthService;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** SESSION_ABSOLUTE_HOURS in seconds: the session cookie's Max-Age. */
  cookieMaxAgeSeconds: number;
  pageContext: PageContextOf;
  /**
   * Called after every successful sign-in through the staff pool, before the session starts, with the role
   * the user's `cognito:groups` give (null: none). The staff module stores it; if it throws, no session starts.
   */
  syncStaffRole?: (userId: string, role: StaffRole | null, request: FastifyRequest) => Promise<void>;
  now?: () => Date;
}

/**
 * Flows of the built-in accounts that the user pool owns in cognito mode (sign-up, passwords, reset,
 * e-mail verification and change, MFA, passkeys, staff invitations with a password): each path, and all
 * below it, answers 404 AUTH_PROVIDER_COGNITO before its route runs. Listed here rather than switched off
 * in each module, so turning the pool on is one registration and the local modules stay unaware of it.
 */
export const localOnlyPaths: readonly string[] = [
  '/api/v1/auth/sign-up',
  '/api/v1/auth/verify-email',
  '/api/v1/auth/sign-in',
  '/api/v1/auth/password-reset',
  '/api/v1/auth/password',
  '/api/v1/auth/mfa',
  '/api/v1/auth/email',
  '/api/v1/auth/passkeys',
  '/api/v1/me/passkeys',
  '/account/verify-email',
  '/account/reset',
  '/account/mfa',
  '/account/security/password',
  '/account/security/mfa',
  '/account/security/email',
  '/account/email',
  '/account/security/passkeys',
  '/admin/mfa',
  '/admin/mfa-setup',
  '/admin/invitations',
];

/** Sign-in and sign-up pages: a GET goes to the hosted UI (which offers both, and "forgot password"). */
const hostedUiPages: Readonly<Record<string, LoginFlow>> = {
  '/account/sign-in': 'account',
  '/account/sign-up': 'account',
  '/admin/sign-in': 'admin',
};

/** Local sign-out routes, and where the pool's /logout sends the browser back to (the client's logout URLs). */
const signOutRoutes: Readonly<Record<string, LoginFlow>> = {
  '/account/sign-out': 'account',
  '/account/sign-out-everywhere': 'account',
  '/admin/sign-out': 'admin',
};
const afterLogout: Readonly<Record<LoginFlow, string>> = { account: '/', admin: '/admin/sign-in' };
const afterSignIn: Readonly<Record<LoginFlow, string>> = { account: '/account', admin: '/admin' };

const pathOf = (url: string): string => {
  const path = normalisePath(url);
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
};
const isUnder = (path: string, prefix: string): boolean => path === prefix || path.startsWith(`${prefix}/`);

/** The attempt cookie: `__Host-` over HTTPS (Secure, Path=/, no Domain: no subdomain can plant one). */
const attemptCookieName = (request: FastifyRequest): string => (isSecureRequest(request) ? '__Host-oidc-attempt' : 'oidc-attempt');
const attemptCookie = (request: FastifyRequest, value: string, maxAgeSeconds: number): string =>
  `${attemptCookieName(request)}=${value}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${isSecureRequest(request) ? '; Secure' : ''}`;

function SignedOutPage({ ctx, logoutUrl }: { ctx: PageContext; logoutUrl: string }) {
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {/* A new navigation, not part of the sign-out form's redirects, so CSP form-action 'self' allows it. */}
        <meta http-equiv="refresh" content={`0; url=${logoutUrl}`} />
        <meta name="robots" content="noindex" />
        <title>{`Signing out · ${ctx.shopName}`}</title>
        <link rel="stylesheet" href={ctx.stylesheet} />
      </head>
      <body>
        <main id="main" class="container">
          <h1>You are signed out of {ctx.shopName}</h1>
          <p>Now signing you out of the sign-in service too.</p>
          <p>
            <a class="button" href={logoutUrl}>
              Finish signing out
            </a>
          </p>
        </main>
      </body>
    </html>
  );
}

/**
 * Sign-in through the Amazon Cognito user pool (AUTH_PROVIDER=cognito; docs/auth-cognito.md):
 *
 * - `GET /account/oauth/start`, `/admin/oauth/start`: start an attempt, set its cookie, 303 to the hosted UI.
 * - `GET /account/oauth/callback`, `/admin/oauth/callback`: finish it, start a Bastion session, 303 to
 *   `/account` or `/admin`; every refusal is a 4xx problem that changes nothing.
 * - `GET /account/sign-in`, `/account/sign-up`, `/admin/sign-in` go to the start (or home when signed in);
 *   the local-only flows answer 404 AUTH_PROVIDER_COGNITO (`localOnlyPaths`).
 * - Without a staff pool (COGNITO_STAFF_*), `/admin/sign-in` and the admin start and callback answer
 *   403 AUTH_STAFF_POOL_REQUIRED: the back office never signs in through the shoppers' pool.
 * - Sign-out (`POST /account/sign-out`, `…/sign-out-everywhere`, `/admin/sign-out`) still ends the Bastion
 *   session in its own route; its 303 is then sent to `/account/oauth/signed-out` (or `/admin/…`), a page that
 *   moves on to the pool's /logout, which ends the hosted UI's session and returns to the logout URL. Straight
 *   to the pool would break: CSP `form-action 'self'` also covers the redirects of a form's submission.
 */
export function registerCognitoAuth(app: FastifyInstance, deps: CognitoAuthDeps): void {
  const { config, sessionOf } = deps;
  const cognito = config.auth.cognito;
  if (cognito === undefined) throw new Error('registerCognitoAuth needs config.auth.cognito (AUTH_PROVIDER=cognito)');
  const now = deps.now ?? (() => new Date());
  // Config refuses an http issuer or domain in production; this keeps the clients from ever using one there.
  const allowHttp = config.nodeEnv !== 'production';
  const warn = (reason: string) => app.log.warn({ reason }, 'cognito sign-in refused');

  const accounts = createAccounts({ db: deps.db, fieldEncryption: deps.fieldEncryption, now });
  /** One pool's client, ID-token verifier and sign-in; the shoppers' pool, and the staff pool when set. */
  const poolOf = (pool: CognitoConfig, provider: IdentityProviderName) => {
    const oidc = createOidcClient({ cognito: pool, allowHttp, onFailure: warn });
    let verifier: Promise<IdTokenVerifier> | undefined;
    const verifierOnce = (): Promise<IdTokenVerifier> => {
      verifier ??= oidc.jwksUri().then((jwksUri) => createIdTokenVerifier({ issuer: pool.issuer, audience: pool.clientId, jwksUri, allowHttp, onRefused: warn }));
      return verifier.catch((err: unknown) => {
        verifier = undefined;
        throw err;
      });
    };
    return { pool, signIn: createCognitoSignIn({ db: deps.db, accounts, sessions: deps.auth.sessions, oidc, verifier: verifierOnce, now, provider }) };
  };
  const shoppers = poolOf(cognito, 'cognito');
  const staffPool = config.auth.cognitoStaff;
  // /admin signs in through the staff pool (MFA required there), and only its groups give roles. Without
  // one, the admin flow is refused: the shoppers' pool may not require MFA, and its groups never give a role.
  const staff = staffPool ? poolOf(staffPool, 'cognito-staff') : undefined;
  const pools: Readonly<Record<LoginFlow, ReturnType<typeof poolOf>>> = { account: shoppers, admin: staff ?? shoppers };
  const signInOf = (flow: LoginFlow) => {
    if (flow === 'admin' && staff === undefined) throw staffPoolRequired();
    return pools[flow].signIn;
  };

  const redirectUri = (flow: LoginFlow) => `${config.publicUrl}/${flow}/oauth/callback`;
  const logoutUrl = (flow: LoginFlow) => {
    const { pool } = pools[flow];
    const url = new URL(`${pool.domain}/logout`);
    url.searchParams.set('client_id', pool.clientId);
    url.searchParams.set('logout_uri', `${config.publicUrl}${afterLogout[flow]}`);
    return url.href;
  };
  const noStore = (reply: FastifyReply) => reply.header('cache-control', privateNoStore);

  app.addHook('onRequest', async (request, reply) => {
    const path = pathOf(request.url);
    const page = hostedUiPages[path];
    if (page !== undefined && (request.method === 'GET' || request.method === 'HEAD')) {
      if (page === 'admin' && staff === undefined) throw staffPoolRequired();
      const session = await sessionOf(request);
      return reply.redirect(session?.mfaVerified ? afterSignIn[page] : `/${page}/oauth/start`, 303);
    }
    if (page !== undefined || localOnlyPaths.some((prefix) => isUnder(path, prefix))) throw providerIsCognito();
    return undefined;
  });

  // Sign-out ends the Bastion session in its own route; this sends the browser on to end the pool's too.
  app.addHook('onSend', async (request, reply, payload) => {
    const flow = request.method === 'POST' && reply.statusCode === 303 ? signOutRoutes[pathOf(request.url)] : undefined;
    if (flow !== undefined) reply.header('location', `/${flow}/oauth/signed-out`);
    return payload;
  });

  // Every refused sign-in is logged with its code (the reason went to the log as it happened).
  app.addHook('onError', async (request, _reply, error) => {
    if (/^\/(account|admin)\/oauth\//.test(pathOf(request.url)) && error instanceof AppError && error.code.startsWith('AUTH_')) {
      logAuthEvent(request.log, 'auth.failure', { code: error.code, clientIp: request.ip });
    }
  });

  for (const flow of ['account', 'admin'] as const) {
    app.get(`/${flow}/oauth/start`, { schema: { hide: true } }, async (request, reply) => {
      const { token, url } = await signInOf(flow).begin(flow, redirectUri(flow));
      noStore(reply).header('set-cookie', attemptCookie(request, token, loginAttemptMinutes * 60));
      return reply.redirect(url.href, 303);
    });

    app.get(`/${flow}/oauth/callback`, { schema: { hide: true } }, async (request, reply) => {
      // The attempt is used up whatever happens next, so its cookie goes too, on success and refusal alike.
      noStore(reply).header('set-cookie', attemptCookie(request, '', 0));
      const callbackUrl = new URL(redirectUri(flow));
      callbackUrl.search = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
      const signIn = signInOf(flow);
      const result = await signIn.finish(flow, readCookie(request.headers.cookie, attemptCookieName(request)), callbackUrl);
      // Only the staff pool's groups give or take a role; a shopper's groups are never looked at.
      if (deps.syncStaffRole && flow === 'admin') await deps.syncStaffRole(result.userId, result.role, request);
      const { token } = await signIn.startSession(result.userId, await sessionOf(request), result.authenticatedAt);
      setSessionCookie(request, reply, token, deps.cookieMaxAgeSeconds);
      if (result.account !== 'existing') {
        logAuthEvent(request.log, result.account === 'created' ? 'auth.federated_account_created' : 'auth.federated_account_linked', { userId: result.userId, clientIp: request.ip });
      }
      logAuthEvent(request.log, 'auth.sign_in_federated', { userId: result.userId, clientIp: request.ip });
      return reply.redirect(afterSignIn[flow], 303);
    });

    app.get(`/${flow}/oauth/signed-out`, { schema: { hide: true } }, async (request, reply) => {
      const ctx = await deps.pageContext(request.url, request);
      return sendPrivatePage(reply, <SignedOutPage ctx={ctx} logoutUrl={logoutUrl(flow)} />);
    });
  }
}
