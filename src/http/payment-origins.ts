import { stripeJsUrl } from '../adapters/payments/stripe.js';

/**
 * The one list of third-party origins a payment page may use, per provider and CSP directive. Only pages
 * in the payment scope (payment-pages.ts: everything under /checkout and /pay/) get them, and only for the
 * providers the shop is configured with (PAYMENTS); every other page keeps the self-only policy. Sources:
 * Stripe's security guide (Stripe.js, the Payment Element's frames, 3-D Secure) and PayPal's Orders v2
 * approval flow (a redirect to PayPal's own page: no PayPal script or frame runs on ours).
 * Review this file whenever a provider changes its integration; the script inventory
 * (src/web/script-inventory.json, `npm run scripts:inventory`) is generated from `thirdPartyScripts`.
 */
export const paymentOrigins = {
  // The built-in test gateway is served by Bastion itself: nothing to add.
  test: {},
  stripe: {
    // Exactly the origin of Stripe.js (thirdPartyScripts below), no wildcard: nothing else may run here.
    'script-src': ['https://js.stripe.com'],
    // The Payment Element and 3-D Secure challenges run in Stripe's frames; their own scripts obey
    // Stripe's policy, not ours.
    'frame-src': ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
    'connect-src': ['https://api.stripe.com'],
    'img-src': ['https://*.stripe.com'],
    // Wallets (Apple Pay, Google Pay) run the Payment Request API inside Stripe's frame.
    payment: ['https://js.stripe.com'],
  },
  paypal: {
    // Placing an order answers with a redirect to PayPal's approval page; browsers hold a form's
    // redirects to form-action, so its two hosts (live and sandbox) are named exactly.
    'form-action': ['https://www.paypal.com', 'https://www.sandbox.paypal.com'],
  },
} as const satisfies Record<string, Partial<Record<PaymentDirective | 'payment', readonly string[]>>>;

export type PaymentDirective = 'script-src' | 'frame-src' | 'connect-src' | 'img-src' | 'form-action';
export type PaymentProvider = keyof typeof paymentOrigins;

/** A script a payment provider serves and a payment page loads from it. */
export interface ThirdPartyScript {
  provider: PaymentProvider;
  /** The exact URL the page's <script src> names. */
  src: string;
  /** What it does on the page, for the inventory and docs/security.md. */
  purpose: string;
  /** Why the tag carries no `integrity` (Subresource Integrity), when it cannot. */
  noIntegrityReason: string;
}


/**
 * Every third-party script a payment page may load. PayPal has none: its approval step is a redirect to
 * PayPal's page, not its JavaScript SDK.
 */
export const thirdPartyScripts: readonly ThirdPartyScript[] = [
  {
    provider: 'stripe',
    src: stripeJsUrl,
    purpose:
      'Stripe.js: mounts the Payment Element (card and wallet fields in Stripe-hosted frames) and confirms the PaymentIntent, including 3-D Secure; card data never reaches Bastion.',
    noIntegrityReason:
      'Stripe serves Stripe.js from a versionless URL it updates continuously (security and fraud fixes) and does not support Subresource Integrity or self-hosting; the CSP allows exactly its origin instead.',
  },
];
