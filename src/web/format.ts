import type { Money } from '../kernel/money.js';

interface MoneyFormat {
  formatter: Intl.NumberFormat;
  /** 10 ** the currency's minor-unit digits (100 for GBP, 1 for JPY). */
  divisor: number;
}

// Building an Intl.NumberFormat (and asking it for its digits) costs far more than formatting with it;
// a page prints dozens of prices, so both are done once per locale and currency (profiled: 7% of a page).
const formats = new Map<string, MoneyFormat>();

/** "£24.00" from { amount: 2400, currency: 'GBP' }: minor units to display, via Intl. */
export function formatMoney(money: Money, locale: string): string {
  const key = `${locale}:${money.currency}`;
  let format = formats.get(key);
  if (!format) {
    const formatter = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    format = { formatter, divisor: 10 ** (formatter.resolvedOptions().maximumFractionDigits ?? 2) };
    formats.set(key, format);
  }
  return format.formatter.format(money.amount / format.divisor);
}

export function formatCount(n: number, locale: string): string {
  return new Intl.NumberFormat(locale).format(n);
}
