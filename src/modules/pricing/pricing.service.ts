import type { Kysely, Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Money } from '../../kernel/money.js';
import { formatMoney } from '../../web/format.js';
import type { PricedVariant } from '../catalog/index.js';
import { allocate, bandPrice, discountAmount, taxOf } from './pricing.calculate.js';
import { DiscountUnavailableError, invalidQuoteLine } from './pricing.errors.js';
import * as repo from './pricing.repository.js';
import type { PricingSettings } from './pricing.settings.js';
import type { DiscountCodeRow } from './pricing.tables.js';

export interface PriceLineInput {
  variantId: string;
  quantity: number;
}

export interface QuoteInput {
  lines: readonly PriceLineInput[];
  /** ISO 3166-1 alpha-2 and the subdivision's own code (QC of CA-QC); absent: PRICING_DEFAULT_COUNTRY. */
  shipTo?: { country: string; region?: string | null };
  /** Absent: the cheapest method offered for the destination (the cart's estimate). */
  shippingMethodId?: string;
  discountCode?: string;
  /** Per-customer discount limits. */
  customerId?: string;
  /** Guests' per-customer limit, compared by a blind index of the normalised address. */
  customerEmail?: string;
}

export type LineState = 'ok' | 'unknown' | 'archived' | 'sold_out' | 'insufficient_stock';

export interface QuotedLine {
  variantId: string;
  productId: string;
  productName: string;
  variantTitle: string;
  sku: string;
  productSlug: string;
  imageUrl?: string;
  unitPrice: Money;
  quantity: number;
  /** unitPrice × quantity (also for a line that is not purchasable, so the cart can show it). */
  subtotal: Money;
  discount: Money;
  tax: Money;
  /** What the line adds to the order: 0 for a line that is not 'ok'. */
  total: Money;
  weightGrams: number;
  state: LineState;
  available: number;
}

export interface ShippingOption {
  id: string;
  name: string;
  price: Money;
}

export interface QuoteProblem {
  code: string;
  message: string;
  variantId?: string;
}

export interface Quote {
  currency: string;
  taxInclusive: boolean;
  lines: QuotedLine[];
  /** Over the 'ok' lines only: a line that cannot be bought is shown, never charged. */
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
  shippingMethod?: ShippingOption;
  shippingOptions: ShippingOption[];
  appliedDiscount?: { id: string; code: string };
  /** Why a line or the code does not count (LINE_SOLD_OUT, DISCOUNT_EXPIRED, ...); the order refuses while any line is not 'ok'. */
  problems: QuoteProblem[];
}

export interface PricingService {
  /** Recomputes everything from the catalog, stock, tax rates, shipping methods and the code, every time. */
  quote(input: QuoteInput, db?: Kysely<Database> | Transaction<Database>): Promise<Quote>;
  /**
   * Inside the order's transaction: takes one use of the code with a conditional update, then checks the
   * customer's own limit under the row lock that update holds. Throws DiscountUnavailableError
   * (DISCOUNT_UNAVAILABLE, conflict) when the total or per-customer limit is reached or the code ended.
   * Idempotent per order: a second call for an order already holding a redemption changes nothing.
   */
  redeemDiscount(trx: Transaction<Database>, r: { discountId: string; orderId: string; customerId?: string; customerEmail?: string }): Promise<void>;
  /** Gives a redemption back (order cancelled or expired before payment). Idempotent per order. */
  releaseDiscount(trx: Transaction<Database>, orderId: string): Promise<void>;
  /** Normalises a code as shoppers type it: trimmed, upper-case. */
  normaliseCode(code: string): string;
  /** The countries some active shipping method delivers to (the cart's estimate offers these). */
  destinations(): Promise<string[]>;
  /** The country a quote without `shipTo` is for (PRICING_DEFAULT_COUNTRY). */
  readonly defaultCountry: string;
}

export interface PricingDeps {
  db: Db;
  /** The catalog's read of variants (price, weight, status, stock), archived ones included. */
  variants: { variants(ids: readonly string[], db?: Db): Promise<Map<string, PricedVariant>> };
  /** Blind index for guests' per-customer limits (the encryption module's). */
  blindIndex: (table: string, column: string, value: string) => Promise<Buffer>;
  /** Normalises an e-mail address before its blind index (the auth module's rule). */
  normaliseEmail: (email: string) => string;
  settings: PricingSettings;
  currency: string;
  /** For the amounts named in messages (SHOP_LOCALE). */
  locale: string;
  now: () => Date;
}

/**
 * The mailbox an address delivers to, as far as a per-customer limit is concerned: a `+tag` in the local
 * part (`name+1@example.com`) reaches the same mailbox at almost every provider, so it is dropped; dots are
 * kept (they name different mailboxes at most providers). Expects an address already trimmed and lower-cased.
 */
function limitAddress(email: string): string {
  const at = email.lastIndexOf('@');
  const plus = email.indexOf('+');
  return plus > 0 && plus < at ? `${email.slice(0, plus)}${email.slice(at)}` : email;
}

/** Lines and quantities a quote accepts: at most this many units per line (the cart's limits are lower). */
const maxQuantity = 1_000_000;

/** The discount's problem, or undefined when it applies to this subtotal and customer. */
type DiscountCheck = { ok: true; row: DiscountCodeRow } | { ok: false; code: string; message: string };

/** Tax, shipping and discount codes, computed on the server from the catalog for every quote. */
export function createPricingService(deps: PricingDeps): PricingService {
  const { settings, currency } = deps;
  const money = (amount: number): Money => ({ amount, currency });
  const normaliseCode = (code: string) => code.trim().toUpperCase();

  const emailHash = async (email: string | undefined): Promise<Buffer | undefined> => {
    if (email === undefined || email.trim() === '') return undefined;
    let normalised: string;
    try {
      normalised = deps.normaliseEmail(email);
    } catch {
      normalised = email.trim().toLowerCase();
    }
    return deps.blindIndex('discount_redemption', 'email', limitAddress(normalised));
  };

  const checkDiscount = async (db: Db, code: string, subtotal: number, input: QuoteInput): Promise<DiscountCheck> => {
    const row = await repo.findDiscountByCode(db, normaliseCode(code));
    const now = deps.now();
    if (row === undefined || !row.active || (row.kind === 'fixed' && row.currency !== currency)) {
      return { ok: false, code: 'DISCOUNT_NOT_FOUND', message: 'That discount code is not valid.' };
    }
    if (row.starts_at !== null && row.starts_at > now) return { ok: false, code: 'DISCOUNT_NOT_STARTED', message: 'That discount code is not valid yet.' };
    if (row.ends_at !== null && row.ends_at <= now) return { ok: false, code: 'DISCOUNT_EXPIRED', message: 'That discount code has expired.' };
    if (row.usage_limit !== null && row.used_count >= row.usage_limit) return { ok: false, code: 'DISCOUNT_USED_UP', message: 'That discount code has been used up.' };
    if (row.per_customer_limit !== null) {
      const used = await repo.countCustomerRedemptions(db, row.id, { customerId: input.customerId, emailHash: await emailHash(input.customerEmail) });
      if (used >= row.per_customer_limit) return { ok: false, code: 'DISCOUNT_CUSTOMER_LIMIT', message: 'You have already used this discount code as many times as it allows.' };
    }
    if (subtotal < row.min_subtotal) {
      return { ok: false, code: 'DISCOUNT_MIN_SUBTOTAL', message: `That code needs a subtotal of at least ${formatMoney(money(row.min_subtotal), deps.locale)}.` };
    }
    return { ok: true, row };
  };

  const shippingPrice = (method: repo.QuoteMethod, grams: number, freeBase: number): number | undefined => {
    const base = method.kind === 'weight' ? bandPrice(method.bands, grams) : method.price_amount;
    if (base === undefined) return undefined;
    return method.free_over_amount !== null && freeBase >= method.free_over_amount ? 0 : base;
  };

  return {
    normaliseCode,
    defaultCountry: settings.defaultCountry,
    destinations: () => repo.findDestinations(deps.db, currency),

    async quote(input, from = deps.db) {
      const db = from as Db;
      // One line per variant, in the order first given.
      const merged = new Map<string, number>();
      for (const line of input.lines) {
        if (!Number.isSafeInteger(line.quantity) || line.quantity <= 0 || line.quantity > maxQuantity) throw invalidQuoteLine('Each line needs a whole quantity from 1.');
        const sum = (merged.get(line.variantId) ?? 0) + line.quantity;
        if (sum > maxQuantity) throw invalidQuoteLine('Each line needs a whole quantity from 1.');
        merged.set(line.variantId, sum);
      }
      const ids = [...merged.keys()];
      const variants = await deps.variants.variants(ids, db);
      const problems: QuoteProblem[] = [];

      const lines: QuotedLine[] = ids.map((variantId) => {
        const quantity = merged.get(variantId)!;
        const v = variants.get(variantId);
        const available = Math.max(0, v?.available ?? 0);
        const known = v !== undefined && v.productStatus !== 'draft' && v.price.currency === currency;
        const state: LineState = !known ? 'unknown' : v.productStatus === 'archived' ? 'archived' : available <= 0 ? 'sold_out' : available < quantity ? 'insufficient_stock' : 'ok';
        const unit = known ? v.price.amount : 0;
        if (state === 'unknown') problems.push({ code: 'LINE_UNKNOWN', message: 'This item is no longer available.', variantId });
        if (state === 'archived') problems.push({ code: 'LINE_ARCHIVED', message: `${v!.productName} is no longer sold.`, variantId });
        if (state === 'sold_out') problems.push({ code: 'LINE_SOLD_OUT', message: `${v!.productName} is sold out.`, variantId });
        if (state === 'insufficient_stock') problems.push({ code: 'LINE_INSUFFICIENT_STOCK', message: `Only ${available} of ${v!.productName} ${available === 1 ? 'is' : 'are'} available.`, variantId });
        return {
          variantId,
          productId: v?.productId ?? '',
          productName: v?.productName ?? 'Item no longer available',
          variantTitle: v?.variantTitle ?? '',
          sku: v?.sku ?? '',
          productSlug: v?.productSlug ?? '',
          ...(v?.imageUrl ? { imageUrl: v.imageUrl } : {}),
          unitPrice: money(unit),
          quantity,
          subtotal: money(unit * quantity),
          discount: money(0),
          tax: money(0),
          total: money(0),
          weightGrams: (v?.weightGrams ?? 0) * quantity,
          state,
          available,
        };
      });

      const ok = lines.filter((l) => l.state === 'ok');
      const subtotal = ok.reduce((s, l) => s + l.subtotal.amount, 0);

      // The code: validated afresh on every quote, then spread over the lines it reduces.
      let discount = 0;
      let applied: DiscountCodeRow | undefined;
      if (input.discountCode !== undefined && input.discountCode.trim() !== '') {
        const check = await checkDiscount(db, input.discountCode, subtotal, input);
        if (check.ok) {
          applied = check.row;
          discount = discountAmount(subtotal, { kind: applied.kind, percentBp: applied.percent_bp, amount: applied.amount });
        } else {
          problems.push({ code: check.code, message: check.message });
        }
      }
      const shares = allocate(discount, ok.map((l) => l.subtotal.amount));

      const country = input.shipTo?.country ?? settings.defaultCountry;
      const region = input.shipTo?.region ?? undefined;
      const rates = await repo.findQuoteRates(db, country, region, currency);
      const rateBp = ((region ? rates.taxes.find((r) => r.region === region) : undefined) ?? rates.taxes.find((r) => r.region === ''))?.rate_bp ?? 0;
      const inclusive = settings.pricesIncludeTax;
      let lineTax = 0;
      ok.forEach((line, i) => {
        const net = line.subtotal.amount - shares[i]!;
        const tax = taxOf(net, rateBp, inclusive);
        lineTax += tax;
        line.discount = money(shares[i]!);
        line.tax = money(tax);
        line.total = money(inclusive ? net : net + tax);
      });

      // Shipping: a combinable code leaves free delivery judged on the subtotal before it; any other
      // code does not stack with it, so the threshold is judged on what the goods cost after the code.
      const grams = ok.reduce((s, l) => s + l.weightGrams, 0);
      const freeBase = applied?.combinable ? subtotal : subtotal - discount;
      const shippingOptions: ShippingOption[] = rates.methods.flatMap((m) => {
        const price = shippingPrice(m, grams, freeBase);
        return price === undefined ? [] : [{ id: m.id, name: m.name, price: money(price) }];
      });
      let shippingMethod: ShippingOption | undefined;
      if (input.shippingMethodId !== undefined) {
        shippingMethod = shippingOptions.find((o) => o.id === input.shippingMethodId);
        if (shippingMethod === undefined) problems.push({ code: 'SHIPPING_METHOD_UNAVAILABLE', message: 'That delivery method is not available for this address or parcel.' });
      } else {
        shippingMethod = [...shippingOptions].sort((a, b) => a.price.amount - b.price.amount)[0];
      }
      if (shippingOptions.length === 0 && ok.length > 0) problems.push({ code: 'SHIPPING_UNAVAILABLE', message: 'We do not deliver this order to that country.' });
      const shipping = ok.length > 0 ? (shippingMethod?.price.amount ?? 0) : 0;
      const shippingTax = taxOf(shipping, rateBp, inclusive);
      const tax = lineTax + shippingTax;
      const total = inclusive ? subtotal - discount + shipping : subtotal - discount + shipping + tax;

      return {
        currency,
        taxInclusive: inclusive,
        lines,
        subtotal: money(subtotal),
        discount: money(discount),
        shipping: money(shipping),
        tax: money(tax),
        total: money(total),
        ...(shippingMethod ? { shippingMethod } : {}),
        shippingOptions,
        ...(applied ? { appliedDiscount: { id: applied.id, code: applied.code } } : {}),
        problems,
      };
    },

    async redeemDiscount(trx, r) {
      const db: Db = trx;
      const held = await repo.findLiveRedemption(db, r.orderId);
      if (held !== undefined && held.discount_id === r.discountId) return;
      const taken = await repo.updateTakeUse(db, r.discountId, deps.now());
      if (taken === undefined) {
        const row = await repo.findDiscount(db, r.discountId);
        throw new DiscountUnavailableError(r.discountId, row !== undefined && row.usage_limit !== null && row.used_count >= row.usage_limit ? 'used_up' : 'inactive');
      }
      const hash = await emailHash(r.customerEmail);
      if (taken.per_customer_limit !== null) {
        const used = await repo.countCustomerRedemptions(db, r.discountId, { customerId: r.customerId, emailHash: hash });
        if (used >= taken.per_customer_limit) throw new DiscountUnavailableError(r.discountId, 'customer_limit');
      }
      await repo.insertRedemption(db, { discountId: r.discountId, orderId: r.orderId, customerId: r.customerId ?? null, emailHash: hash ?? null });
    },

    async releaseDiscount(trx, orderId) {
      await repo.releaseRedemption(trx, orderId, deps.now());
    },
  };
}
