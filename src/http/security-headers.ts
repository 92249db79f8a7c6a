import type { FastifyInstance } from 'fastify';
import { cspFor, nonPageCsp, permissionsPolicyFor, reportingEndpoints, type CspOptions } from './csp.js';
import { isSecureRequest } from './proxy-trust.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A page's CSP needs beyond the default, e.g. `{ payments: ['stripe'] }` on the payment step. */
    csp?: Pick<CspOptions, 'payments'>;
  }
}

/** Two years, subdomains included: the value HSTS preload lists ask for. */
export const hstsValue = 'max-age=63072000; includeSubDomains';

// Public media and hashed assets may be embedded by our own CDN host or a sibling subdomain.
const sameSitePaths = /^\/(media|assets)\//;

/**
 * Security headers on every response, errors and 404s included (docs/security-http.md says what each
 * defends against). A route may set its own Content-Security-Policy; otherwise pages get `cspFor()`
 * with the route's `config.csp`, and everything else the deny-all policy. HSTS is sent only over HTTPS
 * (directly or via a trusted proxy), since browsers ignore it over plain HTTP.
 */
export function registerSecurityHeaders(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const secure = isSecureRequest(request);
    const page = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    const routeCsp = request.routeOptions.config.csp;
    if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', page ? cspFor({ ...routeCsp, secure }) : nonPageCsp);
    }
    if (page) reply.header('reporting-endpoints', reportingEndpoints);
    reply.header('permissions-policy', permissionsPolicyFor(page ? routeCsp : {}));
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'strict-origin-when-cross-origin');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', sameSitePaths.test(request.url) ? 'same-site' : 'same-origin');
    if (secure) reply.header('strict-transport-security', hstsValue);
    reply.removeHeader('x-powered-by');
    return payload;
  });
}
