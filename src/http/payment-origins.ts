/**
 * The one list of third-party origins a payment page may load, per provider and CSP directive. Only
 * pages that declare `config: { csp: { payments: [...] } }` get them; every other page keeps the
 * self-only policy. Sources: Stripe's security guide (Stripe.js, Elements, 3-D Secure frames) and
 * PayPal's JavaScript SDK best practices (its inline-script advice is not followed: no 'unsafe-inline').
 * Review this file whenever a provider changes its integration.
 */
export const paymentOrigins = {
  // The built-in test gateway is served by Bastion itself: nothing to add.
  test: {},
  stripe: {
    'script-src': ['https://js.stripe.com', 'https://*.js.stripe.com'],
    'frame-src': ['https://js.stripe.com', 'https://*.js.stripe.com', 'https://hooks.stripe.com'],
    'connect-src': ['https://api.stripe.com'],
    'img-src': ['https://*.stripe.com'],
    // Wallets (Apple Pay, Google Pay) run the Payment Request API inside Stripe's frame.
    payment: ['https://js.stripe.com'],
  },
  paypal: {
    'script-src': ['https://*.paypal.com', 'https://*.paypalobjects.com'],
    'frame-src': ['https://*.paypal.com', 'https://*.paypalobjects.com'],
    'connect-src': ['https://*.paypal.com', 'https://*.paypalobjects.com'],
    'img-src': ['https://*.paypal.com', 'https://*.paypalobjects.com'],
    payment: ['https://www.paypal.com'],
  },
} as const satisfies Record<string, Partial<Record<'script-src' | 'frame-src' | 'connect-src' | 'img-src' | 'payment', readonly string[]>>>;

export type PaymentProvider = keyof typeof paymentOrigins;
