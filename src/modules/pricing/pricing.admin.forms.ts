import type { Actor } from '../../kernel/request-context.js';
import { isCountryCode } from '../../kernel/countries.js';
import { minorDigits, minorText } from '../../kernel/money-text.js';
import type { FormError } from '../../web/forms/fields.js';
import type { DiscountCodeRow, DiscountKind, ShippingKind, ShippingMethodRow, TaxRateRow, WeightBand } from './pricing.tables.js';

/**
 * The pricing back office's shapes: what a staff change carries, the admin service's contract, and the
 * forms' text parsed into them (and back) without floating point. The routes, the pages and the service
 * all stand on this file, so none of them imports another's.
 */

/** Who made a staff change, with the request facts the audit trail keeps. */
export interface ChangedBy {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

export interface TaxRateInput {
  country: string;
  region: string;
  name: string;
  rateBp: number;
}

export interface ShippingMethodInput {
  name: string;
  countries: string[];
  kind: ShippingKind;
  priceAmount: number;
  bands: WeightBand[];
  freeOverAmount: number | null;
  position: number;
}

export interface DiscountInput {
  code: string;
  kind: DiscountKind;
  percentBp: number | null;
  amount: number | null;
  minSubtotal: number;
  startsAt: Date | null;
  endsAt: Date | null;
  usageLimit: number | null;
  perCustomerLimit: number | null;
  combinable: boolean;
}

/** The staff's side of pricing: tax rates, shipping methods and discount codes, every change audited. */
export interface PricingAdmin {
  currency: string;
  taxRates(): Promise<TaxRateRow[]>;
  taxRate(id: string): Promise<TaxRateRow>;
  createTaxRate(input: TaxRateInput, by: ChangedBy): Promise<TaxRateRow>;
  updateTaxRate(id: string, input: TaxRateInput, by: ChangedBy): Promise<TaxRateRow>;
  deleteTaxRate(id: string, by: ChangedBy): Promise<void>;
  shippingMethods(): Promise<ShippingMethodRow[]>;
  shippingMethod(id: string): Promise<ShippingMethodRow>;
  createShippingMethod(input: ShippingMethodInput, by: ChangedBy): Promise<ShippingMethodRow>;
  updateShippingMethod(id: string, input: ShippingMethodInput, by: ChangedBy): Promise<ShippingMethodRow>;
  setShippingMethodActive(id: string, active: boolean, by: ChangedBy): Promise<ShippingMethodRow>;
  discounts(): Promise<DiscountCodeRow[]>;
  discount(id: string): Promise<DiscountCodeRow>;
  createDiscount(input: DiscountInput, by: ChangedBy): Promise<DiscountCodeRow>;
  updateDiscount(id: string, input: DiscountInput, by: ChangedBy): Promise<DiscountCodeRow>;
  setDiscountActive(id: string, active: boolean, by: ChangedBy): Promise<DiscountCodeRow>;
}

// --- Forms: text as typed, parsed without floating point ------------------------------------------------

export type FormValues = Record<string, string | undefined>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; errors: FormError[] };

const text = (form: FormValues, name: string): string => (form[name] ?? '').trim();

/** "20" or "7.25" (percent) → basis points (2000, 725); at most two decimals, 0–100. */
export function parsePercent(value: string): number | undefined {
  const match = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(value.trim());
  if (!match) return undefined;
  const bp = Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
  return bp <= 10000 ? bp : undefined;
}

/** "24.5" → 2450 minor units for a two-digit currency, without floating point; undefined when not a plain amount. */
export function parseAmount(value: string, digits: number): number | undefined {
  const match = /^(\d{1,9})(?:[.,](\d+))?$/.exec(value.trim());
  if (!match || (match[2] ?? '').length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number((match[2] ?? '').padEnd(digits, '0') || '0');
}

export function formatPercent(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const rest = bp % 100;
  return rest === 0 ? String(whole) : `${whole}.${String(rest).padStart(2, '0').replace(/0$/, '')}`;
}

const wholeNumber = (value: string, max = 1_000_000): number | undefined => (/^\d{1,7}$/.test(value) && Number(value) <= max ? Number(value) : undefined);

export function parseTaxRateForm(form: FormValues): Parsed<TaxRateInput> {
  const errors: FormError[] = [];
  const country = text(form, 'country').toUpperCase();
  const region = text(form, 'region').toUpperCase();
  const name = text(form, 'name');
  const rateBp = parsePercent(text(form, 'rate'));
  if (!isCountryCode(country)) errors.push({ field: 'country', message: 'Choose the country.' });
  if (!/^[A-Z0-9]{0,3}$/.test(region)) errors.push({ field: 'region', message: 'Enter the region as its code of up to 3 letters or digits, like CA for California, or leave it empty.' });
  if (name === '') errors.push({ field: 'name', message: 'Enter the name shown on receipts, like VAT.' });
  else if (name.length > 60) errors.push({ field: 'name', message: 'Keep the name to 60 characters or fewer.' });
  if (rateBp === undefined) errors.push({ field: 'rate', message: 'Enter the rate as a percentage from 0 to 100 with up to 2 decimals, like 20 or 7.25.' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { country, region, name, rateBp: rateBp! } };
}

/** Weight bands, one a line: "1000 = 9.95" is parcels up to 1000 g for 9.95. */
function parseBands(value: string, digits: number): WeightBand[] | undefined {
  const bands: WeightBand[] = [];
  for (const line of value.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '')) {
    const match = /^(\d{1,7})\s*g?\s*[=:]\s*(\S+)$/.exec(line);
    const amount = match ? parseAmount(match[2]!, digits) : undefined;
    if (!match || amount === undefined || Number(match[1]) === 0) return undefined;
    bands.push({ maxGrams: Number(match[1]), amount });
  }
  bands.sort((a, b) => a.maxGrams - b.maxGrams);
  if (bands.some((b, i) => i > 0 && bands[i - 1]!.maxGrams === b.maxGrams)) return undefined;
  return bands.length > 0 && bands.length <= 20 ? bands : undefined;
}

export function formatBands(bands: readonly WeightBand[], digits: number): string {
  return bands.map((b) => `${b.maxGrams} = ${minorText(b.amount, digits)}`).join('\n');
}

export function parseShippingForm(form: FormValues, currency: string): Parsed<ShippingMethodInput> {
  const digits = minorDigits(currency);
  const errors: FormError[] = [];
  const name = text(form, 'name');
  const countries = [...new Set(text(form, 'countries').toUpperCase().split(/[\s,;]+/).filter((c) => c !== ''))];
  const kind = text(form, 'kind');
  const priceText = text(form, 'price');
  const price = priceText === '' ? 0 : parseAmount(priceText, digits);
  const bands = kind === 'weight' ? parseBands(form.bands ?? '', digits) : [];
  const freeText = text(form, 'freeOver');
  const freeOver = freeText === '' ? null : parseAmount(freeText, digits);
  const position = text(form, 'position') === '' ? 0 : wholeNumber(text(form, 'position'), 1000);
  if (name === '') errors.push({ field: 'name', message: 'Enter the name customers see at checkout, like Standard delivery.' });
  else if (name.length > 80) errors.push({ field: 'name', message: 'Keep the name to 80 characters or fewer.' });
  if (countries.length === 0 || countries.some((c) => !isCountryCode(c))) {
    errors.push({ field: 'countries', message: 'Enter the countries as two-letter codes separated by commas, like GB, IE, FR.' });
  }
  if (kind !== 'flat' && kind !== 'weight') errors.push({ field: 'kind-flat', message: 'Choose how the price is worked out.' });
  if (kind === 'flat' && (priceText === '' || price === undefined)) errors.push({ field: 'price', message: `Enter the price as an amount, like ${minorText(495, digits)}.` });
  if (kind === 'weight' && bands === undefined) {
    errors.push({ field: 'bands', message: `Enter one band a line, the largest weight in grams and its price, like 1000 = ${minorText(995, digits)}.` });
  }
  if (freeOver === undefined) errors.push({ field: 'freeOver', message: `Enter the order value from which delivery is free as an amount, like ${minorText(5000, digits)}, or leave it empty.` });
  if (position === undefined) errors.push({ field: 'position', message: 'Enter the position as a whole number from 0 to 1000.' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { name, countries, kind: kind as ShippingKind, priceAmount: price ?? 0, bands: bands ?? [], freeOverAmount: freeOver ?? null, position: position ?? 0 } };
}

/** A date typed as YYYY-MM-DD, read as midnight UTC that day. */
function parseDay(value: string): Date | null | undefined {
  if (value === '') return null;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? undefined : date;
}

export const dayOf = (date: Date | null): string => (date === null ? '' : date.toISOString().slice(0, 10));
/** The last day a code works: it ends at midnight UTC after it. */
export const lastDayOf = (ends: Date | null): string => (ends === null ? '' : dayOf(new Date(ends.getTime() - 86_400_000)));

export function parseDiscountForm(form: FormValues, currency: string): Parsed<DiscountInput> {
  const digits = minorDigits(currency);
  const errors: FormError[] = [];
  const code = text(form, 'code').toUpperCase();
  const kind = text(form, 'kind');
  const percentBp = kind === 'percentage' ? parsePercent(text(form, 'percent')) : null;
  const amount = kind === 'fixed' ? parseAmount(text(form, 'amount'), digits) : null;
  const minText = text(form, 'minSubtotal');
  const minSubtotal = minText === '' ? 0 : parseAmount(minText, digits);
  const startsAt = parseDay(text(form, 'startsOn'));
  const lastDay = parseDay(text(form, 'endsOn'));
  const endsAt = lastDay ? new Date(lastDay.getTime() + 86_400_000) : lastDay;
  const limitOf = (name: string) => (text(form, name) === '' ? null : wholeNumber(text(form, name)));
  const usageLimit = limitOf('usageLimit');
  const perCustomerLimit = limitOf('perCustomerLimit');
  if (!/^[A-Z0-9_-]{3,32}$/.test(code)) errors.push({ field: 'code', message: 'Enter a code of 3 to 32 letters, digits, - or _, like WELCOME10.' });
  if (kind !== 'percentage' && kind !== 'fixed') errors.push({ field: 'kind-percentage', message: 'Choose a percentage or a fixed amount off.' });
  if (kind === 'percentage' && (percentBp === undefined || percentBp === 0)) {
    errors.push({ field: 'percent', message: 'Enter the percentage off, more than 0 and at most 100, with up to 2 decimals, like 10.' });
  }
  if (kind === 'fixed' && (amount === undefined || amount === 0)) errors.push({ field: 'amount', message: `Enter the amount off, like ${minorText(500, digits)}.` });
  if (minSubtotal === undefined) errors.push({ field: 'minSubtotal', message: `Enter the minimum order value as an amount, like ${minorText(2000, digits)}, or leave it empty.` });
  if (startsAt === undefined) errors.push({ field: 'startsOn', message: 'Enter the first day as a date, like 2027-01-31, or leave it empty.' });
  if (endsAt === undefined) errors.push({ field: 'endsOn', message: 'Enter the last day as a date, like 2027-02-28, or leave it empty.' });
  if (startsAt && endsAt && endsAt <= startsAt) errors.push({ field: 'endsOn', message: 'The last day must be on or after the first day.' });
  if (usageLimit === undefined || usageLimit === 0) errors.push({ field: 'usageLimit', message: 'Enter how many times the code can be used in all, a whole number above 0, or leave it empty.' });
  if (perCustomerLimit === undefined || perCustomerLimit === 0) errors.push({ field: 'perCustomerLimit', message: 'Enter how many times one customer can use it, a whole number above 0, or leave it empty.' });
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      code, kind: kind as DiscountKind, percentBp: percentBp ?? null, amount: amount ?? null, minSubtotal: minSubtotal ?? 0,
      startsAt: startsAt ?? null, endsAt: endsAt ?? null, usageLimit: usageLimit ?? null, perCustomerLimit: perCustomerLimit ?? null,
      combinable: form.combinable === 'yes',
    },
  };
}
