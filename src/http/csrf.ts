import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { privateNoStore } from './answers.js';
import { isLoopbackHost } from './host-check.js';
import { isSecureRequest } from './proxy-trust.js';
import { normalisePath } from './rate-limit-rules.js';
import { csrfRejected } from './security-errors.js';
import type { SecurityMetrics } from './security-metrics.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Set on the routes of an upload scope (src/modules/media/media.uploads.ts): a multipart body is only
     * read by that scope's own hook, after this one, so the scope checks the form token with `verify`.
     */
    csrfAfterMultipart?: boolean;
  }
}

export interface CsrfOptions {
  /** CSRF_SECRET, or random bytes per process when unset (development, one process). */
  secret: string | Buffer;
  /** PUBLIC_URL: its origin is "our" origin; a request's own Host never is (an attacker can send any). */
  publicUrl: string;
  /** Development and test: a loopback origin (the dev server, the tests' sockets) counts as ours too. */
  allowLoopback?: boolean;
  /** CORS_ORIGINS: cross-origin API calls from these are allowed when they carry no cookie. */
  corsOrigins: readonly string[];
  metrics: SecurityMetrics;
  /** The session a token is bound to, when the request has one; absent: unbound. */
  bindingOf?: (request: FastifyRequest) => string | undefined;
}

export interface Csrf {
  /**
   * The token for a form on this response (put it in `<CsrfField token=... />`). If the browser has no
   * CSRF cookie yet, one is minted and set on this response, which is then marked `private, no-store`
   * (later visits carry the cookie, and sendPage keeps cookie-carrying pages private).
   */
  token(request: FastifyRequest): string;
  /**
   * The token check for a body this edge cannot read before the route's scope does (multipart uploads):
   * `given` is the form's `_csrf` field; the header is taken when it is absent. Throws CSRF_REJECTED.
   */
  verify(request: FastifyRequest, given: string | undefined): void;
}

/** Form field and header that carry the token. */
export const csrfFieldName = '_csrf';
export const csrfHeaderName = 'x-csrf-token';

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
// Server-to-server endpoints, authenticated by signatures (each payment provider's webhook, by name, and
// nothing else under /webhooks/); browsers send CSP reports without credentials.
const exemptPaths = /^\/(csp-report|webhooks\/(test|stripe|paypal))$/;
// The body types an HTML form on another site can produce without a CORS preflight.
const formTypes = /^(application\/x-www-form-urlencoded|multipart\/form-data|text\/plain)\b/i;
const apiPath = /^\/api\//;

/**
 * CSRF defence (the Copenhagen Book's and OWASP's layered approach), for every state-changing request:
 *
 * 1. Origin check: a POST/PUT/PATCH/DELETE whose `Sec-Fetch-Site` is `cross-site` or `same-site`, or whose
 *    `Origin` is not PUBLIC_URL's origin (or, outside production, a loopback origin), is refused (403 CSRF_REJECTED)
 *    before its body is read. The one exception: an `/api/` call from a CORS_ORIGINS origin that carries
 *    no Cookie header (bearer or anonymous), which a browser cannot turn against a signed-in user.
 * 2. Token for forms: a body an HTML form can send cross-site (urlencoded, multipart, text/plain) must also
 *    carry a signed double-submit token (`_csrf` field or `X-CSRF-Token` header): HMAC(secret, cookie
 *    value, session binding). The cookie is `__Host-csrf` over HTTPS (Secure, Path=/, no Domain: a sibling
 *    subdomain cannot plant it) and `csrf` over plain HTTP; both HttpOnly, SameSite=Lax.
 *
 * JSON bodies need no token: a cross-site page can only send JSON through fetch with a CORS preflight,
 * which CORS refuses, and the origin check stops it anyway. GET and HEAD must never change state.
 */
export function registerCsrf(app: FastifyInstance, options: CsrfOptions): Csrf {
  const key = createHmac('sha256', 'bastion-csrf-v1').update(options.secret).digest();
  const publicOrigin = new URL(options.publicUrl).origin;
  const corsOrigins = new Set(options.corsOrigins);
  const minted = new WeakMap<FastifyRequest, string>();

  const cookieName = (request: FastifyRequest): string => (isSecureRequest(request) ? '__Host-csrf' : 'csrf');
  const sign = (request: FastifyRequest, cookieValue: string): Buffer =>
    createHmac('sha256', key).update(`${cookieValue}\0${options.bindingOf?.(request) ?? ''}`).digest();
  const cookieOf = (request: FastifyRequest): string | undefined => {
    const value = readCookie(request.headers.cookie, cookieName(request));
    return value !== undefined && /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
  };
  const isOwnOrigin = (origin: string): boolean => {
    if (origin === publicOrigin) return true;
    if (options.allowLoopback !== true) return false;
    const parsed = originOf(origin);
    return parsed !== undefined && isLoopbackHost(new URL(parsed).hostname);
  };
  const reject = (why: string): never => {
    options.metrics.blocked('csrf');
    throw csrfRejected(why);
  };

  app.addHook('onRequest', async (request) => {
    if (!unsafeMethods.has(request.method) || exemptPaths.test(normalisePath(request.url))) return;
    const site = request.headers['sec-fetch-site'];
    const origin = request.headers.origin;
    const crossSite = site === 'cross-site' || site === 'same-site' || (origin !== undefined && !isOwnOrigin(origin));
    if (!crossSite) return;
    const allowedCors = apiPath.test(request.url) && origin !== undefined && corsOrigins.has(origin) && request.headers.cookie === undefined;
    if (!allowedCors) reject('it came from another site');
  });

  const verify = (request: FastifyRequest, fromBody: string | undefined): void => {
    const header = request.headers[csrfHeaderName];
    const given = fromBody ?? (typeof header === 'string' ? header : undefined);
    const cookie = cookieOf(request);
    if (given === undefined || cookie === undefined) reject('the form had no security token');
    const expected = sign(request, cookie!);
    const actual = Buffer.from(given!, 'base64url');
    if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) reject('the form’s security token did not match');
  };

  app.addHook('preValidation', async (request) => {
    if (!unsafeMethods.has(request.method) || exemptPaths.test(normalisePath(request.url))) return;
    const type = String(request.headers['content-type'] ?? '');
    if (!formTypes.test(type)) return;
    if (request.routeOptions.config.csrfAfterMultipart === true && /^multipart\/form-data\b/i.test(type)) return;
    const body = request.body as Record<string, unknown> | null | undefined;
    const fromBody = body !== null && typeof body === 'object' ? body[csrfFieldName] : undefined;
    verify(request, typeof fromBody === 'string' ? fromBody : undefined);
    // Route schemas reject unknown fields; the token has done its job.
    if (body !== null && typeof body === 'object') delete body[csrfFieldName];
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const value = minted.get(request);
    if (value !== undefined) {
      const secure = isSecureRequest(request);
      const cookie = `${cookieName(request)}=${value}; Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
      reply.header('set-cookie', cookie); // Fastify appends Set-Cookie rather than replacing it
      // A first visit carries no cookie, so sendPage would let a CDN cache this page, cookie and all.
      reply.header('cache-control', privateNoStore);
    }
    return payload;
  });

  return {
    verify,
    token(request) {
      let value = cookieOf(request) ?? minted.get(request);
      if (value === undefined) {
        value = randomBytes(32).toString('base64url');
        minted.set(request, value);
      }
      return sign(request, value).toString('base64url');
    },
  };
}

/** `https://shop.example:443` and `https://shop.example` are one origin, as browsers write it in Origin. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** Reads one cookie from a Cookie header (the first of that name, as browsers send the most specific first). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
