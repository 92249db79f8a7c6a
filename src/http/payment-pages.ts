import { cspFor, permissionsPolicyFor } from './csp.js';
import type { PaymentProvider } from './payment-origins.js';

/**
 * The payment pages: the pages PCI DSS v4.0.1 requirements 6.4.3 and 11.6.1 speak of, where a shopper
 * enters or confirms payment. Scope is by path, whatever route serves it (its error and 404 pages too):
 * `/checkout`, everything under `/checkout/`, and everything under `/pay/`.
 */
export const paymentPageScope = ['/checkout', '/checkout/*', '/pay/*'] as const;

export function isPaymentPagePath(url: string): boolean {
  const path = url.split('?')[0] ?? '';
  return path === '/checkout' || path.startsWith('/checkout/') || path.startsWith('/pay/');
}

/** One of the app's own scripts a payment page may load: its served (hashed) path and its SRI value. */
export interface PaymentPageScript {
  /** e.g. `/assets/checkout.3f2a9c1b4d5e.js` */
  path: string;
  /** `sha384-<base64>`, the value of the tag's `integrity` attribute and of its CSP hash source. */
  integrity: string;
  /** Allowed only when one of these providers is configured (a provider's own integration script). */
  providers?: readonly string[];
}

export interface PaymentPageCspOptions {
  /** PUBLIC_URL's origin: the own scripts are allowed by their exact URL on it (and by their hash). */
  origin: string;
  scripts: readonly PaymentPageScript[];
  /** The shop's providers (PAYMENTS): their origins, and nothing of the others. */
  providers: readonly PaymentProvider[];
  secure: boolean;
}

/**
 * The Content-Security-Policy of a payment page: script-src names exactly the inventory's scripts (each
 * own script by its sha384 hash and its exact URL, with no 'self', no 'strict-dynamic' and nothing
 * inline; the providers' scripts by their exact origin), the rest as on every page. The tamper check
 * (src/modules/page-integrity) builds the same policy from the committed inventory and compares.
 */
export function paymentPageCsp(options: PaymentPageCspOptions): string {
  const hashes = options.scripts.map((s) => `'${s.integrity}'`);
  const urls = options.scripts.map((s) => `${options.origin}${s.path}`);
  return cspFor({ payments: options.providers, secure: options.secure, scripts: [...new Set([...hashes, ...urls])] });
}

/** The payment pages' policy as this process serves it; app.ts hands it the scripts once the assets are loaded. */
export interface PaymentPagePolicy {
  /** The app's own scripts allowed on payment pages (replaces any earlier list); a provider's only with it configured. */
  allowScripts(scripts: readonly PaymentPageScript[]): void;
  scripts(): readonly PaymentPageScript[];
  csp(secure: boolean): string;
  permissionsPolicy(): string;
}

export function createPaymentPagePolicy(options: { publicUrl: string; providers: readonly PaymentProvider[] }): PaymentPagePolicy {
  const origin = new URL(options.publicUrl).origin;
  let scripts: readonly PaymentPageScript[] = [];
  // Two policies at most (HTTP and HTTPS), built once per script list rather than per response.
  const cache = new Map<boolean, string>();
  return {
    allowScripts(list) {
      const configured = options.providers as readonly string[];
      scripts = list.filter((s) => s.providers === undefined || s.providers.some((p) => configured.includes(p))).map(({ path, integrity }) => ({ path, integrity }));
      cache.clear();
    },
    scripts: () => scripts,
    csp(secure) {
      let value = cache.get(secure);
      if (value === undefined) {
        value = paymentPageCsp({ origin, scripts, providers: options.providers, secure });
        cache.set(secure, value);
      }
      return value;
    },
    permissionsPolicy: () => permissionsPolicyFor({ payments: options.providers }),
  };
}
