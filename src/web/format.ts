import type { Money } from '../modules/catalog/catalog.types.js';

const formatters = new Map<string, Intl.NumberFormat>();

/** "£24.00" from { amount: 2400, currency: 'GBP' }: minor units to display, via Intl, cached per locale. */
export function formatMoney(money: Money, locale: string): string {
  const key = `${locale}:${money.currency}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    formatters.set(key, formatter);
  }
  const digits = formatter.resolvedOptions().maximumFractionDigits ?? 2;
  return formatter.format(money.amount / 10 ** digits);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}
