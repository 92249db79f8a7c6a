import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Csrf } from '../../http/csrf.js';
import type { RateLimiter } from '../../http/rate-limit.js';
import type { PageContextOf } from '../../web/page-context.js';
import { registerAuthPages } from './auth.pages.js';
import { registerAuthRoutes } from './auth.routes.js';
import type { AuthService } from './auth.service.js';
import { registerPasskeyPages } from './passkeys/passkeys.pages.js';
import { registerPasskeyRoutes } from './passkeys/passkeys.routes.js';
import type { PasskeyService } from './passkeys/passkeys.service.js';
import type { Session } from './sessions.js';

export interface AuthPluginOptions {
  auth: AuthService;
  passkeys: PasskeyService;
  rateLimiter: RateLimiter;
  csrf: Csrf;
  pageContext: PageContextOf;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** SESSION_ABSOLUTE_HOURS in seconds: the session cookie's Max-Age. */
  cookieMaxAgeSeconds: number;
}

/**
 * The built-in accounts: the account API (sign-up to MFA, passkeys) in one scope whose hooks mark every
 * answer `no-store` and log every refused auth decision, and the account pages beside it.
 */
export async function authPlugin(app: FastifyInstance, options: AuthPluginOptions): Promise<void> {
  const { auth, passkeys, rateLimiter, csrf, pageContext, sessionOf, cookieMaxAgeSeconds } = options;
  await app.register(async (api) => {
    registerAuthRoutes(api, { auth, rateLimiter, cookieMaxAgeSeconds, sessionOf });
    registerPasskeyRoutes(api, { passkeys, rateLimiter, sessionOf, cookieMaxAgeSeconds });
  });
  registerAuthPages(app, { auth, rateLimiter, cookieMaxAgeSeconds, sessionOf, csrf, pageContext });
  registerPasskeyPages(app, { passkeys, auth, csrf, pageContext, sessionOf });
}
