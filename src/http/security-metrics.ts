import { Counter, type Registry } from 'prom-client';
import type { EmfPublisher } from '../adapters/metrics/emf.js';

/** Why a request was refused before it reached a route's logic (the `reason` label). */
export type BlockReason =
  | 'ip_blocklist'
  | 'host'
  | 'rate_limit'
  | 'csrf'
  | 'body_too_large'
  | 'json_too_deep'
  | 'json_too_many_keys'
  | 'form_too_many_fields'
  | 'url_too_long'
  | 'header_too_large';

export interface SecurityMetrics {
  /** Every refusal by an in-app edge control, by reason: the numbers a WAF dashboard would show. */
  blocked(reason: BlockReason): void;
  /** A request over a rate-limit rule, by rule and route class. */
  rateLimited(rule: string, routeClass: string): void;
  /** A CSP violation reported by a browser, by effective directive. */
  cspViolation(directive: string): void;
  /**
   * A CSP violation reported from a payment page (payment-pages.ts), counted on its own as well: the
   * signal PCI DSS 11.6.1 asks to alert on, watched by a CloudWatch alarm (EMF `PaymentPageCspViolations`).
   */
  paymentPageCspViolation(directive: string): void;
  /** The counter store (Redis) failed and a rate-limit check was skipped. */
  counterStoreError(): void;
}

/** The EMF metric (namespace Bastion, no dimensions) the payment-page CSP alarm watches (infra/). */
export const paymentPageCspMetric = 'PaymentPageCspViolations';

/**
 * Counters on the app's own registry (see metrics.ts), never prom-client's global one; payment-page
 * violations are also written as EMF when METRICS=emf.
 */
export function createSecurityMetrics(registry: Registry, emf?: EmfPublisher): SecurityMetrics {
  const blocked = new Counter({
    name: 'http_requests_blocked_total',
    help: 'Requests refused by an in-app edge control (IP list, rate limit, CSRF, request limits), by reason',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  const limited = new Counter({
    name: 'http_rate_limited_total',
    help: 'Requests over a rate-limit rule, by rule name and route class',
    labelNames: ['rule', 'class'] as const,
    registers: [registry],
  });
  const csp = new Counter({
    name: 'csp_violations_total',
    help: 'Content-Security-Policy violations reported by browsers, by effective directive',
    labelNames: ['directive'] as const,
    registers: [registry],
  });
  const paymentCsp = new Counter({
    name: 'payment_page_csp_violations_total',
    help: 'Content-Security-Policy violations reported from payment pages (/checkout, /pay/), by effective directive',
    labelNames: ['directive'] as const,
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'rate_limit_store_errors_total',
    help: 'Rate-limit checks skipped because the counter store (Redis) failed',
    registers: [registry],
  });
  return {
    blocked: (reason) => blocked.inc({ reason }),
    rateLimited: (rule, routeClass) => limited.inc({ rule, class: routeClass }),
    cspViolation: (directive) => csp.inc({ directive }),
    paymentPageCspViolation(directive) {
      paymentCsp.inc({ directive });
      // Fire-and-forget: a metrics outage must not fail the report's answer.
      void emf?.recordEvent(paymentPageCspMetric, 1, 'Count').catch(() => undefined);
    },
    counterStoreError: () => storeErrors.inc(),
  };
}
