import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { Money } from '../../kernel/money.js';
import type { PricedVariant } from '../catalog/index.js';
import type { PricingService, Quote, QuotedLine, QuoteInput } from '../pricing/index.js';
import { cartItemsLimit, cartLinesLimit, discountInvalid, invalidQuantity, lineNotFound, lineQuantityLimit, variantNotForSale, variantNotFound } from './cart.errors.js';
import * as repo from './cart.repository.js';
import type { CartSettings } from './cart.settings.js';
import type { CartLineRow, CartRow } from './cart.tables.js';

/**
 * Who a request's cart belongs to: the signed-in customer, a guest's cookie token, or both (a guest who
 * has just signed in: their guest cart is merged into the customer's on the next read).
 */
export interface CartOwner {
  customerId?: string;
  /** The token from a guest cart's cookie, its signature already checked. */
  guestToken?: string;
}

/** A cart line as the cart page shows it: the quote's line plus what the shopper saw when adding it. */
export interface CartLineView extends QuotedLine {
  lineId: string;
  /** The unit price when the shopper last acted on the line. */
  addedUnitPrice: Money;
  /** The price moved since: shown as "price changed from X to Y". */
  priceChanged: boolean;
}

export interface CartView {
  cartId: string | undefined;
  lines: CartLineView[];
  quote: Quote;
  discountCode: string | undefined;
  itemCount: number;
}

/** The cart's part of the contract other modules (orders, checkout, the layout) use. */
export interface CartService {
  /** The request's cart (guest cookie or the signed-in customer's), or undefined when none. */
  cartOf(request: FastifyRequest): Promise<{ id: string; lines: { variantId: string; quantity: number }[]; discountCode?: string } | undefined>;
  /**
   * The lines of an open cart, read inside the order's transaction with the cart's row locked, so two
   * orders from one cart (two keys at once) take turns and the second finds it ordered: undefined then.
   */
  linesOf(trx: Transaction<Database>, cartId: string): Promise<{ variantId: string; quantity: number }[] | undefined>;
  /** Empties the cart inside the order's transaction once the order is placed (its lines kept for `restoreFrom`). */
  markOrdered(trx: Transaction<Database>, cartId: string, orderId: string): Promise<void>;
  /** Re-opens the cart `markOrdered` linked to that order (payment failed): the shopper gets their lines back. */
  restoreFrom(trx: Transaction<Database>, orderId: string): Promise<void>;
  /** Item count for the header (0 when no cart). */
  countOf(request: FastifyRequest): Promise<number>;
  /** Whether the request holds that cart, open or already ordered: its guest cookie, or its customer's session. */
  holds(request: FastifyRequest, cartId: string): Promise<boolean>;
}

/** What the cart's own routes use, on an owner already read from the request. */
export interface CartOperations extends CartService {
  ownerOf(request: FastifyRequest): Promise<CartOwner>;
  view(owner: CartOwner, shipTo?: QuoteInput['shipTo']): Promise<CartView>;
  /**
   * Adds units of a variant; returns a new guest token when this created a guest cart (set its cookie), and
   * the view of the cart as the change left it, priced on demand (no reading the cart again).
   */
  add(owner: CartOwner, variantId: string, quantity: number): Promise<{ issuedToken?: string; line: CartLineRow; view: () => Promise<CartView> }>;
  setQuantity(owner: CartOwner, lineId: string, quantity: number): Promise<CartLineRow>;
  remove(owner: CartOwner, lineId: string): Promise<void>;
  /** Applies a code after a quote accepts it (CART_DISCOUNT_REFUSED with the reason otherwise; nothing saved). */
  applyDiscount(owner: CartOwner, code: string): Promise<void>;
  removeDiscount(owner: CartOwner): Promise<void>;
}

export interface CartDeps {
  db: Db;
  pricing: PricingService;
  variants: { variants(ids: readonly string[], db?: Db): Promise<Map<string, PricedVariant>> };
  settings: CartSettings;
  /** Reads the owner from the request (session and signed cookie: cart.http.ts). */
  ownerOf: (request: FastifyRequest) => Promise<CartOwner>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();
/** A guest cart's token: 256 bits from the CSPRNG (the cookie carries it; the database only its hash). */
export const newGuestToken = (): string => randomBytes(32).toString('base64url');

/**
 * Carts of guests and customers. Lines name variants and remember the price the shopper was shown;
 * every total comes from a fresh pricing quote. Changes lock the cart row, so the limits hold when two
 * tabs add at once.
 */
export function createCartService(deps: CartDeps): CartOperations {
  const { db, settings } = deps;

  const checkQuantity = (quantity: number) => {
    if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity < 1) throw invalidQuantity();
    if (quantity > settings.maxLineQuantity) throw lineQuantityLimit(settings.maxLineQuantity);
  };

  /**
   * Moves the lines of cart `fromId` into cart `intoId` (both locked by the caller) within the cart's
   * limits, which a merge must not get round: the lines already in `intoId` stay as they are; each moved
   * line, oldest first, joins only as far as the units-per-line, units-per-cart and lines-per-cart limits
   * leave room, and whatever does not fit is left out (docs/security.md, "Merge at sign-in").
   */
  const mergeWithinLimits = async (t: Db, fromId: string, intoId: string): Promise<void> => {
    const into = await repo.findLines(t, intoId);
    const byVariant = new Map(into.map((l) => [l.variant_id, l]));
    let items = into.reduce((sum, l) => sum + l.quantity, 0);
    let lines = into.length;
    for (const moved of await repo.findLines(t, fromId)) {
      const room = Math.max(0, settings.maxItems - items);
      const existing = byVariant.get(moved.variant_id);
      if (existing !== undefined) {
        const added = Math.min(Math.max(0, settings.maxLineQuantity - existing.quantity), moved.quantity, room);
        if (added === 0) continue;
        await repo.setLineQuantity(t, intoId, existing.id, existing.quantity + added);
        items += added;
      } else {
        const quantity = Math.min(moved.quantity, settings.maxLineQuantity, room);
        if (quantity === 0 || lines >= settings.maxLines) continue;
        await repo.insertLine(t, intoId, { ...moved, quantity });
        items += quantity;
        lines += 1;
      }
    }
    await repo.deleteLines(t, fromId);
  };

  /**
   * The owner's open cart. A guest cart held by a signed-in customer is merged into the customer's cart
   * here, on the first read after sign-in, whichever way they signed in (password, passkey, Cognito).
   */
  const resolve = async (owner: CartOwner, trx?: Db): Promise<CartRow | undefined> => {
    const from = trx ?? db;
    const guest = owner.guestToken !== undefined ? await repo.findOpenCartByToken(from, hashToken(owner.guestToken)) : undefined;
    if (owner.customerId === undefined) return guest;
    if (guest === undefined) return repo.findOpenCartOfCustomer(from, owner.customerId);
    const customerId = owner.customerId;
    const merge = async (t: Db): Promise<CartRow> => {
      const target = await repo.upsertCustomerCart(t, customerId);
      const locked = await repo.lockCart(t, guest.id);
      // Another request merged it first: nothing left to move.
      if (locked === undefined || locked.status !== 'open') return target;
      await repo.lockCart(t, target.id);
      await mergeWithinLimits(t, guest.id, target.id);
      if (target.discount_code === null && guest.discount_code !== null) await repo.setDiscountCode(t, target.id, guest.discount_code);
      await repo.setStatus(t, guest.id, 'merged', null);
      return (await repo.findCart(t, target.id))!;
    };
    // Inside the caller's transaction when there is one (PGlite has one connection: never open a second).
    return trx !== undefined ? merge(trx) : db.transaction().execute(merge);
  };

  /** The owner's cart, created when absent, locked for this transaction; `created`: it has no lines yet. */
  const ensure = async (trx: Db, owner: CartOwner): Promise<{ cart: CartRow; created: boolean; issuedToken?: string }> => {
    if (owner.customerId === undefined && owner.guestToken !== undefined) {
      // A guest: found and locked in one statement (nothing to merge).
      const cart = await repo.findOpenCartByToken(trx, hashToken(owner.guestToken), true);
      if (cart !== undefined) return { cart, created: false };
    } else {
      const found = await resolve(owner, trx);
      if (found !== undefined) return { cart: (await repo.lockCart(trx, found.id))!, created: false };
    }
    if (owner.customerId !== undefined) {
      const cart = await repo.upsertCustomerCart(trx, owner.customerId);
      return { cart: (await repo.lockCart(trx, cart.id))!, created: false };
    }
    const token = newGuestToken();
    return { cart: await repo.insertGuestCart(trx, hashToken(token)), created: true, issuedToken: token };
  };

  const ownedCart = async (trx: Db, owner: CartOwner): Promise<CartRow> => {
    const found = await resolve(owner, trx);
    if (found === undefined) throw lineNotFound();
    return (await repo.lockCart(trx, found.id))!;
  };

  const currentPrice = async (variantId: string): Promise<PricedVariant> => {
    const v = (await deps.variants.variants([variantId])).get(variantId);
    if (v === undefined || v.productStatus === 'draft') throw variantNotFound();
    if (v.productStatus === 'archived') throw variantNotForSale('archived');
    return v;
  };

  const checkTotals = (lines: CartLineRow[], change: { variantId: string; quantity: number }) => {
    const others = lines.filter((l) => l.variant_id !== change.variantId);
    if (others.length + 1 > settings.maxLines) throw cartLinesLimit(settings.maxLines);
    if (others.reduce((s, l) => s + l.quantity, 0) + change.quantity > settings.maxItems) throw cartItemsLimit(settings.maxItems);
  };

  const view = async (owner: CartOwner, shipTo?: QuoteInput['shipTo']): Promise<CartView> => {
    const cart = await resolve(owner);
    return viewOf(cart, cart ? await repo.findLines(db, cart.id) : [], owner, shipTo);
  };

  /** The cart page's view of a cart and its lines as read (or as a change just left them). */
  const viewOf = async (cart: CartRow | undefined, rows: readonly CartLineRow[], owner: CartOwner, shipTo?: QuoteInput['shipTo']): Promise<CartView> => {
    const input: QuoteInput = {
      lines: rows.map((r) => ({ variantId: r.variant_id, quantity: r.quantity })),
      ...(shipTo ? { shipTo } : {}),
      ...(cart?.discount_code ? { discountCode: cart.discount_code } : {}),
      ...(owner.customerId ? { customerId: owner.customerId } : {}),
    };
    const quote = await deps.pricing.quote(input);
    const byVariant = new Map(quote.lines.map((l) => [l.variantId, l]));
    const lines = rows.map((r): CartLineView => {
      const q = byVariant.get(r.variant_id)!;
      const addedUnitPrice = { amount: r.unit_price_amount, currency: r.currency };
      const priceChanged = q.state !== 'unknown' && (r.currency !== q.unitPrice.currency || r.unit_price_amount !== q.unitPrice.amount);
      return { ...q, lineId: r.id, addedUnitPrice, priceChanged };
    });
    if (lines.some((l) => l.priceChanged)) quote.problems.push({ code: 'LINE_PRICE_CHANGED', message: 'The price of an item in your cart has changed since you added it.' });
    return { cartId: cart?.id, lines, quote, discountCode: cart?.discount_code ?? undefined, itemCount: rows.reduce((s, r) => s + r.quantity, 0) };
  };

  const operations: CartOperations = {
    ownerOf: deps.ownerOf,
    view,

    async cartOf(request) {
      const cart = await resolve(await deps.ownerOf(request));
      if (cart === undefined) return undefined;
      const lines = await repo.findLines(db, cart.id);
      return {
        id: cart.id,
        lines: lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
        ...(cart.discount_code !== null ? { discountCode: cart.discount_code } : {}),
      };
    },

    async holds(request, cartId) {
      const owner = await deps.ownerOf(request);
      const row = await repo.findCart(db, cartId);
      if (row === undefined) return false;
      if (owner.guestToken !== undefined && row.token_hash !== null && row.token_hash.length === 32 && timingSafeEqual(row.token_hash, hashToken(owner.guestToken))) return true;
      return owner.customerId !== undefined && row.customer_id === owner.customerId;
    },

    async countOf(request) {
      const owner = await deps.ownerOf(request);
      if (owner.customerId === undefined && owner.guestToken === undefined) return 0;
      const cart = await resolve(owner);
      return cart === undefined ? 0 : repo.countItems(db, cart.id);
    },

    async linesOf(trx, cartId) {
      if (!uuid.test(cartId)) return undefined;
      // Locked first, read after: a statement that waited for the lock would still see the lines as they
      // were before the wait, so a change committed meanwhile would be missed.
      const cart = await repo.lockCart(trx, cartId);
      if (cart === undefined || cart.status !== 'open') return undefined;
      return (await repo.findLines(trx, cartId)).map((l) => ({ variantId: l.variant_id, quantity: l.quantity }));
    },

    async markOrdered(trx, cartId, orderId) {
      await repo.setStatus(trx, cartId, 'ordered', orderId);
    },

    async restoreFrom(trx, orderId) {
      const cart = await repo.findCartOfOrder(trx, orderId);
      if (cart === undefined) return;
      const open = cart.customer_id !== null ? await repo.findOpenCartOfCustomer(trx, cart.customer_id) : undefined;
      if (open === undefined) {
        await repo.setStatus(trx, cart.id, 'open', null);
        return;
      }
      // The customer started another cart meanwhile: the order's lines join it, within the cart's limits.
      await repo.lockCart(trx, open.id);
      await mergeWithinLimits(trx, cart.id, open.id);
      await repo.setStatus(trx, cart.id, 'merged', orderId);
    },

    async add(owner, variantId, quantity) {
      checkQuantity(quantity);
      if (!uuid.test(variantId)) throw variantNotFound();
      const v = await currentPrice(variantId);
      if (v.available <= 0) throw variantNotForSale('sold_out');
      const { cart, lines, line, issuedToken } = await db.transaction().execute(async (trx) => {
        const { cart, created, issuedToken } = await ensure(trx, owner);
        const lines = created ? [] : await repo.findLines(trx, cart.id);
        const existing = lines.find((l) => l.variant_id === variantId)?.quantity ?? 0;
        if (existing + quantity > settings.maxLineQuantity) throw lineQuantityLimit(settings.maxLineQuantity);
        checkTotals(lines, { variantId, quantity: existing + quantity });
        const line = await repo.upsertLine(trx, cart.id, variantId, quantity, v.price.amount, v.price.currency);
        return { cart, lines, line, issuedToken };
      });
      // The lines as this change left them (the cart was locked until it committed).
      const after = lines.some((l) => l.id === line.id) ? lines.map((l) => (l.id === line.id ? line : l)) : [...lines, line];
      const view = () => viewOf(cart, after, issuedToken !== undefined ? { ...owner, guestToken: issuedToken } : owner);
      return { line, view, ...(issuedToken ? { issuedToken } : {}) };
    },

    async setQuantity(owner, lineId, quantity) {
      checkQuantity(quantity);
      if (!uuid.test(lineId)) throw lineNotFound();
      return db.transaction().execute(async (trx) => {
        const cart = await ownedCart(trx, owner);
        const lines = await repo.findLines(trx, cart.id);
        const line = lines.find((l) => l.id === lineId);
        if (line === undefined) throw lineNotFound();
        checkTotals(lines, { variantId: line.variant_id, quantity });
        // The shopper set this quantity looking at today's price: the line now remembers that price.
        const current = (await deps.variants.variants([line.variant_id], trx)).get(line.variant_id);
        const updated = await repo.setLineQuantity(trx, cart.id, lineId, quantity, current && current.price.currency === line.currency ? current.price.amount : undefined);
        return updated!;
      });
    },

    async remove(owner, lineId) {
      if (!uuid.test(lineId)) throw lineNotFound();
      await db.transaction().execute(async (trx) => {
        const cart = await ownedCart(trx, owner);
        if ((await repo.deleteLine(trx, cart.id, lineId)) === undefined) throw lineNotFound();
      });
    },

    async applyDiscount(owner, code) {
      const normalised = deps.pricing.normaliseCode(code);
      if (!/^[A-Z0-9_-]{3,32}$/.test(normalised)) throw discountInvalid('DISCOUNT_NOT_FOUND', 'That discount code is not valid.');
      const cart = await resolve(owner);
      if (cart === undefined) throw discountInvalid('CART_EMPTY', 'Add something to your cart before using a discount code.');
      const lines = await repo.findLines(db, cart.id);
      const quote = await deps.pricing.quote({
        lines: lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity })),
        discountCode: normalised,
        ...(owner.customerId ? { customerId: owner.customerId } : {}),
      });
      const problem = quote.problems.find((p) => p.code.startsWith('DISCOUNT_'));
      if (problem !== undefined || quote.appliedDiscount === undefined) throw discountInvalid(problem?.code ?? 'DISCOUNT_NOT_FOUND', problem?.message ?? 'That discount code is not valid.');
      await repo.setDiscountCode(db, cart.id, normalised);
    },

    async removeDiscount(owner) {
      const cart = await resolve(owner);
      if (cart !== undefined) await repo.setDiscountCode(db, cart.id, null);
    },
  };
  return operations;
}
