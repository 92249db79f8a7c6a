import type { FastifyInstance } from 'fastify';
import { cspFor, nonPageCsp, permissionsPolicyFor, reportingEndpoints } from './csp.js';
import { isPaymentPagePath, type PaymentPagePolicy } from './payment-pages.js';
import { isSecureRequest } from './proxy-trust.js';
import type { PaymentProvider } from './payment-origins.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Not read: a page's payment origins follow its path (payment-pages.ts), never its route, so no page
     * outside the payment scope can ask for them. Accepted so routes written against the older contract
     * still compile.
     */
    csp?: { payments?: readonly PaymentProvider[] };
  }
}

/** Two years, subdomains included: the value HSTS preload lists ask for. */
export const hstsValue = 'max-age=63072000; includeSubDomains';

// Public media and hashed assets may be embedded by our own CDN host or a sibling subdomain.
const sameSitePaths = /^\/(media|assets)\//;

/**
 * Security headers on every response, errors and 404s included (docs/security-http.md says what each
 * defends against). A page in the payment scope (payment-pages.ts) always gets the payment pages' policy,
 * whatever its route set: its scripts exactly, and the configured providers' origins. Any other route may
 * set its own Content-Security-Policy; otherwise pages get `cspFor()`, which names no payment provider,
 * and everything else the deny-all policy. HSTS is sent only over HTTPS (directly or via a trusted
 * proxy), since browsers ignore it over plain HTTP.
 */
export function registerSecurityHeaders(app: FastifyInstance, options: { paymentPages: PaymentPagePolicy }): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const secure = isSecureRequest(request);
    const page = String(reply.getHeader('content-type') ?? '').startsWith('text/html');
    const paymentPage = page && isPaymentPagePath(request.url);
    if (paymentPage) {
      reply.header('content-security-policy', options.paymentPages.csp(secure));
    } else if (!reply.hasHeader('content-security-policy')) {
      reply.header('content-security-policy', page ? cspFor({ secure }) : nonPageCsp);
    }
    if (page) reply.header('reporting-endpoints', reportingEndpoints);
    reply.header('permissions-policy', paymentPage ? options.paymentPages.permissionsPolicy() : permissionsPolicyFor());
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
