import type { SettingsReader } from '../../kernel/settings.js';

/** The payment providers Bastion knows: its own test gateway, Stripe and PayPal. */
export const paymentProviders = ['test', 'stripe', 'paypal'] as const;

export type PaymentProvider = (typeof paymentProviders)[number];

/**
 * PAYMENTS: the providers this shop takes payment with, comma-separated (`stripe,paypal`), in the order
 * a shopper is offered them. Unset: the built-in test gateway only, except in production, where PAYMENTS is
 * required and `test` refused unless PAYMENTS_TEST_IN_PRODUCTION=allow (see readPaymentSettings). The storefront shows payment marks
 * for these and nothing else, so it never advertises a method the shop cannot take.
 */
export function readPaymentProviders(read: SettingsReader): PaymentProvider[] {
  const raw = read.string('PAYMENTS', 'test');
  const names = raw.split(',').map((name) => name.trim().toLowerCase()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(paymentProviders as readonly string[]).includes(name));
  if (unknown.length > 0) {
    read.problem(`PAYMENTS: "${unknown.join(', ')}" is not one of ${paymentProviders.join(', ')} (several may be given, comma-separated)`);
    return ['test'];
  }
  const chosen = [...new Set(names)] as PaymentProvider[];
  return chosen.length > 0 ? chosen : ['test'];
}

/** Stripe's keys and, for tests against a loopback server, where its API answers. */
export interface StripeSettings {
  secretKey: string;
  publishableKey: string;
  webhookSecret: string;
  /** STRIPE_API_BASE_URL: absent in production (api.stripe.com); a loopback URL in tests. */
  apiBaseUrl: string | undefined;
}

/** PayPal's REST credentials, the webhook id its signature check names, and the API base URL. */
export interface PayPalSettings {
  clientId: string;
  clientSecret: string;
  webhookId: string;
  /** PAYPAL_API_BASE_URL, else the live or sandbox host by PAYPAL_ENVIRONMENT. */
  apiBaseUrl: string;
}

/** The built-in test gateway: where its webhooks are posted, and the secret that signs them. */
export interface TestGatewaySettings {
  /** TEST_GATEWAY_WEBHOOK_SECRET; absent: a secret generated once and kept in the test gateway's table. */
  webhookSecret: string | undefined;
  /** TEST_GATEWAY_WEBHOOK_URL, default `${PUBLIC_URL}/webhooks/test`. */
  webhookUrl: string;
}

/** Every payment setting: the providers chosen and the settings of each one chosen (absent when not chosen). */
export interface PaymentSettings {
  providers: PaymentProvider[];
  test: TestGatewaySettings | undefined;
  stripe: StripeSettings | undefined;
  paypal: PayPalSettings | undefined;
  /** How long a payment may stay pending before the reconciliation job asks the gateway about it. */
  reconcileAfterMs: number;
  /** How often the reconciliation job runs. */
  reconcileEveryMs: number;
  /** How old a signed webhook may be (its timestamp against our clock) before it counts as a replay. */
  webhookToleranceSeconds: number;
}

const stripeKey = (prefix: string) => new RegExp(`^${prefix}_(test|live)_[A-Za-z0-9]{8,}$`);

/**
 * Reads the settings of the chosen providers (PAYMENTS). A chosen provider without its keys stops the
 * start with one clear line per missing name; a provider not chosen needs nothing.
 */
export function readPaymentSettings(read: SettingsReader, context: { publicUrl: string; nodeEnv: string }): PaymentSettings {
  const providers = readPaymentProviders(read);
  if (context.nodeEnv === 'production') {
    // The test gateway marks an order paid for a public card number, so a production shop that fell back
    // to it (PAYMENTS unset) or listed it would ship goods for free. Only an explicit opt-in (a load test
    // against a production build) may run it there.
    const optIn = read.optionalString('PAYMENTS_TEST_IN_PRODUCTION');
    if (optIn !== undefined && optIn !== 'allow') read.problem(`PAYMENTS_TEST_IN_PRODUCTION: only "allow" is accepted (got "${optIn}")`);
    if (optIn !== 'allow') {
      if (read.optionalString('PAYMENTS') === undefined) read.problem('PAYMENTS: required in production (stripe, paypal or both); the test gateway is not a default there');
      else if (providers.includes('test')) read.problem('PAYMENTS: "test" is refused in production, since it marks orders paid for a public card number (set PAYMENTS_TEST_IN_PRODUCTION=allow only for a load test)');
    }
  }
  const required = (name: string, provider: string): string => {
    const value = read.optionalString(name);
    if (value === undefined) read.problem(`${name}: required when PAYMENTS includes ${provider}`);
    return value ?? '';
  };
  const optionalUrl = (name: string): string | undefined => {
    const value = read.optionalString(name);
    return value === undefined ? undefined : read.url(name, value, ['http:', 'https:']);
  };

  let stripe: StripeSettings | undefined;
  if (providers.includes('stripe')) {
    stripe = {
      secretKey: required('STRIPE_SECRET_KEY', 'stripe'),
      publishableKey: required('STRIPE_PUBLISHABLE_KEY', 'stripe'),
      webhookSecret: required('STRIPE_WEBHOOK_SECRET', 'stripe'),
      apiBaseUrl: optionalUrl('STRIPE_API_BASE_URL'),
    };
    if (stripe.secretKey !== '' && !stripeKey('(sk|rk)').test(stripe.secretKey)) read.problem('STRIPE_SECRET_KEY: is not a Stripe secret key (sk_test_… or sk_live_…)');
    if (stripe.publishableKey !== '' && !stripeKey('pk').test(stripe.publishableKey)) read.problem('STRIPE_PUBLISHABLE_KEY: is not a Stripe publishable key (pk_test_… or pk_live_…)');
    if (stripe.webhookSecret !== '' && !/^whsec_[A-Za-z0-9+/=]{8,}$/.test(stripe.webhookSecret)) read.problem('STRIPE_WEBHOOK_SECRET: is not a Stripe webhook signing secret (whsec_…)');
  }

  let paypal: PayPalSettings | undefined;
  if (providers.includes('paypal')) {
    const environment = read.oneOf('PAYPAL_ENVIRONMENT', ['sandbox', 'live'] as const, context.nodeEnv === 'production' ? 'live' : 'sandbox');
    paypal = {
      clientId: required('PAYPAL_CLIENT_ID', 'paypal'),
      clientSecret: required('PAYPAL_CLIENT_SECRET', 'paypal'),
      webhookId: required('PAYPAL_WEBHOOK_ID', 'paypal'),
      apiBaseUrl: optionalUrl('PAYPAL_API_BASE_URL') ?? (environment === 'live' ? 'https://api-m.paypal.com' : 'https://api-m.sandbox.paypal.com'),
    };
  }

  let test: TestGatewaySettings | undefined;
  if (providers.includes('test')) {
    const secret = read.optionalString('TEST_GATEWAY_WEBHOOK_SECRET');
    if (secret !== undefined && secret.length < 32) read.problem('TEST_GATEWAY_WEBHOOK_SECRET: must be at least 32 characters');
    test = { webhookSecret: secret, webhookUrl: read.url('TEST_GATEWAY_WEBHOOK_URL', `${context.publicUrl}/webhooks/test`, ['http:', 'https:']) };
  }

  return {
    providers,
    test,
    stripe,
    paypal,
    reconcileAfterMs: read.integer('PAYMENTS_RECONCILE_AFTER_SECONDS', 300, { min: 30, max: 86_400 }) * 1000,
    reconcileEveryMs: read.integer('PAYMENTS_RECONCILE_EVERY_SECONDS', 300, { min: 10, max: 86_400 }) * 1000,
    webhookToleranceSeconds: read.integer('PAYMENTS_WEBHOOK_TOLERANCE_SECONDS', 300, { min: 30, max: 3_600 }),
  };
}
