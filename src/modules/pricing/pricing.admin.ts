import type { AdminContribution } from '../../backoffice/index.js';
import type { Db } from '../../db/database.js';
import { isCountryCode } from '../../kernel/countries.js';
import type { Actor } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import type { AuditService } from '../audit/index.js';
import { registerPricingAdminRoutes } from './admin/pricing-routes.js';
import * as repo from './pricing.admin.repository.js';
import { discountCodeExists, discountNotFound, shippingMethodNotFound, taxRateExists, taxRateNotFound } from './pricing.errors.js';
import type { DiscountCodeRow, DiscountKind, ShippingKind, ShippingMethodRow, TaxRateRow, WeightBand } from './pricing.tables.js';

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

const taxView = (r: TaxRateRow) => ({ country: r.country, region: r.region, name: r.name, rateBp: r.rate_bp });
const shippingView = (r: ShippingMethodRow) => ({
  name: r.name, countries: r.countries, currency: r.currency, kind: r.kind, priceAmount: r.price_amount, bands: r.bands,
  freeOverAmount: r.free_over_amount, active: r.active, position: r.position,
});
const discountView = (r: DiscountCodeRow) => ({
  code: r.code, kind: r.kind, percentBp: r.percent_bp, amount: r.amount, currency: r.currency, minSubtotal: r.min_subtotal,
  startsAt: r.starts_at?.toISOString() ?? null, endsAt: r.ends_at?.toISOString() ?? null, usageLimit: r.usage_limit,
  perCustomerLimit: r.per_customer_limit, combinable: r.combinable, active: r.active,
});

const shippingRow = (input: ShippingMethodInput) => ({
  name: input.name,
  countries: input.countries,
  kind: input.kind,
  price_amount: input.kind === 'flat' ? input.priceAmount : 0,
  bands: JSON.stringify(input.kind === 'weight' ? input.bands : []),
  free_over_amount: input.freeOverAmount,
  position: input.position,
});
const discountRow = (input: DiscountInput) => ({
  code: input.code,
  kind: input.kind,
  percent_bp: input.kind === 'percentage' ? input.percentBp : null,
  amount: input.kind === 'fixed' ? input.amount : null,
  min_subtotal: input.minSubtotal,
  starts_at: input.startsAt,
  ends_at: input.endsAt,
  usage_limit: input.usageLimit,
  per_customer_limit: input.perCustomerLimit,
  combinable: input.combinable,
});

export function createPricingAdmin(deps: { db: Db; audit: AuditService; currency: string }): PricingAdmin {
  const { db, audit, currency } = deps;
  const record = (trx: Db, by: ChangedBy, action: string, target: { type: string; id: string }, before: object | null, after: object | null) =>
    audit.record(trx, {
      actor: by.actor,
      action,
      target,
      before: before as Record<string, unknown> | null,
      after: after as Record<string, unknown> | null,
      clientIp: by.clientIp ?? null,
      requestId: by.requestId ?? null,
    });
  const found = <T>(row: T | undefined, missing: () => Error): T => {
    if (row === undefined) throw missing();
    return row;
  };

  return {
    currency,
    taxRates: () => repo.listTaxRates(db),
    taxRate: async (id) => found(await repo.findTaxRate(db, id), taxRateNotFound),
    createTaxRate: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = found(await repo.insertTaxRate(trx, { country: input.country, region: input.region, name: input.name, rate_bp: input.rateBp }), taxRateExists);
        await record(trx, by, 'pricing.tax_rate.create', { type: 'tax_rate', id: row.id }, null, taxView(row));
        return row;
      }),
    updateTaxRate: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findTaxRate(trx, id, true), taxRateNotFound);
        const clash = await repo.findTaxRateAt(trx, input.country, input.region);
        if (clash !== undefined && clash.id !== id) throw taxRateExists();
        const after = found(await repo.updateTaxRate(trx, id, { country: input.country, region: input.region, name: input.name, rate_bp: input.rateBp }), taxRateNotFound);
        await record(trx, by, 'pricing.tax_rate.update', { type: 'tax_rate', id }, taxView(before), taxView(after));
        return after;
      }),
    deleteTaxRate: (id, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.deleteTaxRate(trx, id), taxRateNotFound);
        await record(trx, by, 'pricing.tax_rate.delete', { type: 'tax_rate', id }, taxView(before), null);
      }),

    shippingMethods: () => repo.listShippingMethods(db),
    shippingMethod: async (id) => found(await repo.findShippingMethod(db, id), shippingMethodNotFound),
    createShippingMethod: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = await repo.insertShippingMethod(trx, { ...shippingRow(input), currency });
        await record(trx, by, 'pricing.shipping_method.create', { type: 'shipping_method', id: row.id }, null, shippingView(row));
        return row;
      }),
    updateShippingMethod: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findShippingMethod(trx, id, true), shippingMethodNotFound);
        const after = found(await repo.updateShippingMethod(trx, id, shippingRow(input)), shippingMethodNotFound);
        await record(trx, by, 'pricing.shipping_method.update', { type: 'shipping_method', id }, shippingView(before), shippingView(after));
        return after;
      }),
    setShippingMethodActive: (id, active, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findShippingMethod(trx, id, true), shippingMethodNotFound);
        const after = found(await repo.updateShippingMethod(trx, id, { active }), shippingMethodNotFound);
        await record(trx, by, active ? 'pricing.shipping_method.activate' : 'pricing.shipping_method.deactivate', { type: 'shipping_method', id }, shippingView(before), shippingView(after));
        return after;
      }),

    discounts: () => repo.listDiscounts(db),
    discount: async (id) => found(await repo.findDiscount(db, id), discountNotFound),
    createDiscount: (input, by) =>
      db.transaction().execute(async (trx) => {
        const row = found(await repo.insertDiscount(trx, { ...discountRow(input), currency }), discountCodeExists);
        await record(trx, by, 'pricing.discount.create', { type: 'discount_code', id: row.id }, null, discountView(row));
        return row;
      }),
    updateDiscount: (id, input, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findDiscount(trx, id, true), discountNotFound);
        const clash = await repo.findDiscountByCode(trx, input.code);
        if (clash !== undefined && clash.id !== id) throw discountCodeExists();
        // used_count is left alone: redemptions are counted by the orders that hold them.
        const after = found(await repo.updateDiscount(trx, id, discountRow(input)), discountNotFound);
        await record(trx, by, 'pricing.discount.update', { type: 'discount_code', id }, discountView(before), discountView(after));
        return after;
      }),
    setDiscountActive: (id, active, by) =>
      db.transaction().execute(async (trx) => {
        const before = found(await repo.findDiscount(trx, id, true), discountNotFound);
        const after = found(await repo.updateDiscount(trx, id, { active }), discountNotFound);
        await record(trx, by, active ? 'pricing.discount.activate' : 'pricing.discount.deactivate', { type: 'discount_code', id }, discountView(before), discountView(after));
        return after;
      }),
  };
}

// --- Forms: text as typed, parsed without floating point ------------------------------------------------

/** Decimal places of a currency's minor unit (2 for GBP, 0 for JPY). */
export const minorDigits = (currency: string): number => new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;

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

export function formatAmount(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const t = String(minor).padStart(digits + 1, '0');
  return `${t.slice(0, -digits)}.${t.slice(-digits)}`;
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
  return bands.map((b) => `${b.maxGrams} = ${formatAmount(b.amount, digits)}`).join('\n');
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
  if (kind === 'flat' && (priceText === '' || price === undefined)) errors.push({ field: 'price', message: `Enter the price as an amount, like ${formatAmount(495, digits)}.` });
  if (kind === 'weight' && bands === undefined) {
    errors.push({ field: 'bands', message: `Enter one band a line, the largest weight in grams and its price, like 1000 = ${formatAmount(995, digits)}.` });
  }
  if (freeOver === undefined) errors.push({ field: 'freeOver', message: `Enter the order value from which delivery is free as an amount, like ${formatAmount(5000, digits)}, or leave it empty.` });
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
  if (kind === 'fixed' && (amount === undefined || amount === 0)) errors.push({ field: 'amount', message: `Enter the amount off, like ${formatAmount(500, digits)}.` });
  if (minSubtotal === undefined) errors.push({ field: 'minSubtotal', message: `Enter the minimum order value as an amount, like ${formatAmount(2000, digits)}, or leave it empty.` });
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

/** Pricing in the back office: tax rates and shipping (settings), discount codes (promotions). */
export function pricingAdmin(deps: { admin: PricingAdmin; locale: string }): AdminContribution {
  return {
    name: 'pricing',
    navigation: [
      { href: '/admin/pricing/discounts', label: 'Discounts', permission: 'promotions.write', order: 40 },
      { href: '/admin/pricing/tax-rates', label: 'Tax rates', permission: 'settings.read', order: 50 },
      { href: '/admin/pricing/shipping', label: 'Shipping', permission: 'settings.read', order: 52 },
    ],
    register(app, shell) {
      registerPricingAdminRoutes(app, shell, deps);
    },
  };
}
