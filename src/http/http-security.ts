import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CounterStore } from '../adapters/cache/counter-store.js';
import { createMemoryCounterStore } from '../adapters/cache/memory.js';
import { createRedisCounterStore } from '../adapters/cache/redis.js';
import type { Config } from '../config.js';
import { registerCors } from './cors.js';
import { registerCsrf, type Csrf } from './csrf.js';
import { registerHttpsRedirect } from './https-redirect.js';
import { registerHostCheck } from './host-check.js';
import { registerIpFilter } from './ip-filter.js';
import { registerRateLimits, type RateLimiter } from './rate-limit.js';
import { registerRequestLimits } from './request-limits.js';
import { createPaymentPagePolicy, type PaymentPagePolicy } from './payment-pages.js';
import { registerSecurityHeaders } from './security-headers.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface HttpSecurity {
  /** Form tokens: `csrf.token(request)` for `<CsrfField>`. */
  csrf: Csrf;
  /** For routes that learn the account later (sign-in) and count it too. */
  rateLimiter: RateLimiter;
  /** The plain-HTTP redirect listener's port, once listening (HTTP_REDIRECT_PORT). */
  redirectPort: () => number | undefined;
  /** The payment pages' CSP: app.ts gives it the scripts those pages may load once the assets are loaded. */
  paymentPages: PaymentPagePolicy;
}

export interface HttpSecurityDeps {
  metrics: SecurityMetrics;
  /** Rate-limit counters; default: Redis when REDIS_URL is set, else in process. Closed with the app if created here. */
  counterStore?: CounterStore;
  /**
   * A stable key of the request's session (a hash of its cookie), read without a database call: form
   * tokens are bound to it, and rate limits count it beside the client IP.
   */
  sessionKeyOf?: (request: FastifyRequest) => string | undefined;
  /** The account of the request's validated session: rate limits count a signed-in client across addresses. */
  accountOf?: (request: FastifyRequest) => Promise<string | undefined>;
}

/**
 * Registers the in-app edge controls in the order a request meets them: IP block list, URL length, rate
 * limits, CSRF origin check, CORS (onRequest); body limits and the CSRF form token (parsing,
 * preValidation); security headers (onSend). Call before any route. (The CSP report route is registered
 * with the other routes, after the error handler: Fastify binds a route to the error handler set before it.)
 */
export async function registerHttpSecurity(app: FastifyInstance, config: Config, deps: HttpSecurityDeps): Promise<HttpSecurity> {
  const { metrics } = deps;
  const http = config.http;
  const allowlist = registerIpFilter(app, { blocklist: http.ipBlocklist, allowlist: http.ipAllowlist, metrics });
  const allowLoopback = config.nodeEnv !== 'production';
  registerHostCheck(app, { publicUrl: config.publicUrl, allowedHosts: http.allowedHosts, allowLoopback, metrics });
  registerRequestLimits(app, { maxUrlLength: http.maxUrlLength, jsonMaxDepth: http.jsonMaxDepth, jsonMaxKeys: http.jsonMaxKeys, metrics });

  let rateLimiter: RateLimiter = { check: async () => undefined };
  if (http.rateLimits.enabled) {
    let store = deps.counterStore;
    if (store === undefined) {
      const created = config.redis ? createRedisCounterStore(config.redis) : createMemoryCounterStore();
      app.addHook('onClose', () => created.close());
      // Start counting in Redis from the first request when it is there; a Redis that is down at start
      // delays the start by this much at most, then requests are counted in process until it answers.
      if (created.ready) {
        const ready = created.ready.bind(created);
        app.addHook('onReady', () => ready(2_000));
      }
      store = created;
    }
    rateLimiter = registerRateLimits(app, {
      rules: http.rateLimits.rules, store, allowlist, metrics,
      ...(deps.accountOf ? { accountOf: deps.accountOf } : {}),
    });
  }

  const csrf = registerCsrf(app, {
    secret: http.csrfSecret ?? randomBytes(32),
    publicUrl: config.publicUrl,
    allowLoopback,
    corsOrigins: http.corsOrigins,
    metrics,
    ...(deps.sessionKeyOf ? { bindingOf: deps.sessionKeyOf } : {}),
  });
  await registerCors(app, http.corsOrigins);
  const paymentPages = createPaymentPagePolicy({ publicUrl: config.publicUrl, providers: config.payments });
  registerSecurityHeaders(app, { paymentPages });

  const redirect = config.tls?.redirectPort !== undefined
    ? registerHttpsRedirect(app, { port: config.tls.redirectPort, host: config.host, publicUrl: config.publicUrl })
    : undefined;
  return { csrf, rateLimiter, redirectPort: () => redirect?.address(), paymentPages };
}
