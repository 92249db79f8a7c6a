import type { SettingsReader } from '../../kernel/settings.js';

/** The payment providers Bastion knows: its own test gateway, Stripe and PayPal. */
export const paymentProviders = ['test', 'stripe', 'paypal'] as const;

export type PaymentProvider = (typeof paymentProviders)[number];

/**
 * PAYMENTS: the providers this shop takes payment with, comma-separated (`stripe,paypal`), in the order
 * a shopper is offered them. Unset: the built-in test gateway only. The storefront shows payment marks
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
