import { describe, expect, it } from 'vitest';
import { fromDecimalString, toDecimalString } from '../../src/adapters/payments/payment-gateway.js';
import { ConfigError, loadConfig } from '../../src/config.js';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
};

describe('payment settings', () => {
  it('needs nothing for the built-in test gateway, and posts its webhooks to PUBLIC_URL by default', () => {
    const config = loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://shop.example' });
    expect(config.payments).toEqual(['test']);
    expect(config.paymentGateways.test).toEqual({ webhookSecret: undefined, webhookUrl: 'https://shop.example/webhooks/test' });
    expect(config.paymentGateways.stripe).toBeUndefined();
  });

  it('stops the start naming every missing setting of a chosen provider', () => {
    const problems = problemsOf({ PAYMENTS: 'stripe,paypal' });
    for (const name of ['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET', 'PAYPAL_CLIENT_ID', 'PAYPAL_CLIENT_SECRET', 'PAYPAL_WEBHOOK_ID']) {
      expect(problems).toContain(`${name}: required when PAYMENTS includes ${name.startsWith('STRIPE') ? 'stripe' : 'paypal'}`);
    }
  });

  it('refuses keys that are not Stripe keys, and a short test gateway secret', () => {
    const problems = problemsOf({ PAYMENTS: 'stripe,test', STRIPE_SECRET_KEY: 'pk_test_wrongKind000', STRIPE_PUBLISHABLE_KEY: 'sk_test_wrongKind000', STRIPE_WEBHOOK_SECRET: 'secret', TEST_GATEWAY_WEBHOOK_SECRET: 'short' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'STRIPE_WEBHOOK_SECRET', 'TEST_GATEWAY_WEBHOOK_SECRET']);
  });

  it('uses PayPal\'s live host in production and its sandbox elsewhere, unless told otherwise', () => {
    const paypal = { PAYMENTS: 'paypal', PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 'secret', PAYPAL_WEBHOOK_ID: 'WH-1' };
    expect(loadConfig({ NODE_ENV: 'test', ...paypal }).paymentGateways.paypal?.apiBaseUrl).toBe('https://api-m.sandbox.paypal.com');
    expect(loadConfig({ NODE_ENV: 'test', PAYPAL_ENVIRONMENT: 'live', ...paypal }).paymentGateways.paypal?.apiBaseUrl).toBe('https://api-m.paypal.com');
  });
});

describe('decimal amounts for PayPal', () => {
  it('converts minor units both ways by the currency\'s digits, without floats', () => {
    expect(toDecimalString({ amount: 1_234, currency: 'GBP' })).toBe('12.34');
    expect(toDecimalString({ amount: 5, currency: 'EUR' })).toBe('0.05');
    expect(toDecimalString({ amount: 1_500, currency: 'JPY' })).toBe('1500');
    expect(toDecimalString({ amount: 1_234, currency: 'BHD' })).toBe('1.234');
    expect(fromDecimalString('12.34', 'GBP')).toBe(1_234);
    expect(fromDecimalString('12.3', 'GBP')).toBe(1_230);
    expect(fromDecimalString('12', 'GBP')).toBe(1_200);
    expect(fromDecimalString('1500', 'JPY')).toBe(1_500);
    for (const bad of ['12.345', '-1.00', '1e3', '', '12.', 'NaN']) expect(fromDecimalString(bad, 'GBP')).toBeUndefined();
  });
});
