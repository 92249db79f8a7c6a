/**
 * Amounts as staff type them and read them back in forms ("12.50"), in a currency's minor units, with
 * no floating point anywhere.
 */

/** Decimal places of a currency's minor unit (2 for GBP, 0 for JPY), as Intl knows them. */
export function minorDigits(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "12.5", "£12.50" or "1,012.50" → minor units; undefined when it is not a plain positive amount. */
export function parseAmountText(text: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const t = text.trim().replace(/^[£$€¥]\s*/u, '').replaceAll(',', '');
  const match = /^(\d{1,9})(?:\.(\d+))?$/.exec(t);
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

/** 1250 → "12.50" (for a form's value). */
export function amountText(minor: number, currency: string): string {
  return minorText(minor, minorDigits(currency));
}

/** 1250 with 2 digits → "12.50": minor units as a plain decimal, for forms and CSV cells. */
export function minorText(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const text = String(minor).padStart(digits + 1, '0');
  return `${text.slice(0, -digits)}.${text.slice(-digits)}`;
}
