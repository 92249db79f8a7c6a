/**
 * The checkout: the shopper's path from a cart to a placed order and a started payment, as named steps
 * (contact and address → shipping method → payment method → review → place), each a form that saves
 * server-side state, and a placing step that hands over to the orders and payments modules.
 *
 * - State lives in `checkout_session`, one row per cart; the contact and addresses are sealed with field
 *   encryption (personal data), bound to the row. The row also holds this browser's access token hash,
 *   which opens the completion page without the confirmation mail's signed link.
 * - Every price comes from pricing.quote on the server, recomputed on every step; nothing the client
 *   sends is a price.
 * - Placing is idempotent on a server-generated key (one per attempt, in the review form; the API's
 *   client sends its own). orders.place returns the same order for the same key, also to a concurrent
 *   twin; payments.start runs after the order's transaction committed and is idempotent on the same key.
 *   So a double click, a retry after a timeout or two requests at once end on one order and one payment.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PostalAddressFields } from '../../kernel/address.js';
import { newId } from '../../kernel/ids.js';
import type { Db } from '../../db/database.js';
import type { FieldEncryption } from '../encryption/index.js';
import type { RecurringJobs } from '../outbox/index.js';
import {
  attemptExpired,
  cartEmpty,
  cartUnpurchasable,
  checkoutInvalid,
  currencyMismatch,
  idempotencyKeyReused,
  orderNotFound,
    stepIncomplete,
  type FieldProblem,
} from './checkout.errors.js';
import type {
  CheckoutOrders,
  CheckoutPayments,
  CheckoutPricing,
  OrderSummary,
  PaymentAction,
  PaymentProvider,
  PaymentView,
  CompletedOrder,
  Quote,
} from './checkout.ports.js';
import * as repo from './checkout.repository.js';
import { tidy, validAddress, validEmail, type AddressInput } from './checkout.validation.js';

/** The steps in order; a step's page opens only when those before it are complete. */
export const steps = ['contact', 'shipping', 'payment', 'review'] as const;
export type Step = (typeof steps)[number];

/** The shopper's cart as the cart module gives it. */
export interface CartRef {
  id: string;
  lines: { variantId: string; quantity: number }[];
  /** A code the shopper applied on the cart page; the checkout's own choice, once made, wins. */
  discountCode?: string | undefined;
}

/** Contact and addresses, as sealed in the row. A null billing address means "same as shipping". */
export interface ContactDetails {
  email: string;
  shipping: PostalAddressFields;
  billing: PostalAddressFields | null;
  saveAddress: boolean;
}

export interface CheckoutState {
  id: string | null;
  details: ContactDetails | null;
  shippingMethodId: string | null;
  provider: PaymentProvider | null;
  /** null: none chosen here (the cart's code applies); '': removed here. */
  discountCode: string | null;
  attemptKey: string | null;
  orderNumber: string | null;
}

/** A step page's view: the state, the server's quote for it, and the first step still to do. */
export interface CheckoutView {
  state: CheckoutState;
  quote: Quote;
  /** The first incomplete step ('review' when everything is chosen). */
  next: Step;
}

/** What the contact step's form or the API sends. */
export interface ContactInput {
  email?: string | null | undefined;
  shipping: AddressInput;
  billingSameAsShipping: boolean;
  billing?: AddressInput | undefined;
  saveAddress?: boolean | undefined;
}

/** The whole checkout in one request (the JSON API). */
export interface OneShotInput extends ContactInput {
  shippingMethodId: string;
  provider: string;
  discountCode?: string | null | undefined;
  /** The currency the client showed its shopper; refused unless it is the quote's. */
  currency?: string | undefined;
}

export interface Placed {
  order: OrderSummary;
  created: boolean;
  payment: { id: string; action: PaymentAction };
  /** Where the browser goes next: the gateway's page, PayPal's approval, or the Stripe payment page. */
  redirectTo: string;
}

export type CompletionState = 'paid' | 'pending' | 'failed';

export interface Completion {
  order: CompletedOrder;
  /** The order's own page for whoever holds the link (the confirmation mail's). */
  orderPath: string;
  state: CompletionState;
  payment: PaymentView | undefined;
}

/** How the checkout saves a signed-in customer's address when they tick "save this address". */
export type SaveAddress = (fields: PostalAddressFields) => Promise<void>;

export interface CheckoutService {
  /** The cart's checkout and its quote; CHECKOUT_CART_EMPTY or CHECKOUT_CART_UNPURCHASABLE when it cannot be bought. */
  view(cart: CartRef | undefined, who: Who): Promise<CheckoutView>;
  /** Saves the contact step; returns the access token to set as a cookie when the checkout was new. */
  saveContact(cart: CartRef | undefined, who: Who, input: ContactInput): Promise<{ accessToken?: string }>;
  chooseShipping(cart: CartRef | undefined, who: Who, shippingMethodId: string | undefined): Promise<void>;
  choosePayment(cart: CartRef | undefined, who: Who, provider: string | undefined): Promise<void>;
  /** Applies a discount code (null removes it); CHECKOUT_INVALID at `discountCode` when it does not apply. */
  applyDiscount(cart: CartRef | undefined, who: Who, code: string | null): Promise<void>;
  /** Places the order of the review form's attempt `attemptKey`, then starts its payment. */
  place(attemptKey: string, who: Who & { saveAddress?: SaveAddress }, cart?: CartRef): Promise<Placed>;
  /** The JSON API: the whole checkout in one call, idempotent on the client's key. */
  /** `holdsCart` tells whether the caller holds a cart even once it is ordered (a retry after the answer was lost). */
  placeAll(cart: CartRef | undefined, who: Who, input: OneShotInput, idempotencyKey: string, holdsCart: (cartId: string) => Promise<boolean>): Promise<Placed & { accessToken?: string }>;
  /** The return page: the order and where its payment stands, refreshed from the gateway while pending. */
  completion(orderNumber: string, access: { token?: string | undefined; link?: string | undefined }): Promise<Completion>;
  /** The "preview" of the API: a quote for the request's cart, an address's country and the choices. */
  preview(cart: CartRef | undefined, who: Who, input: { country?: string; region?: string; shippingMethodId?: string; discountCode?: string }): Promise<Quote>;
  /**
   * Deletes checkouts untouched for the retention time (abandoned ones, with their sealed contact and
   * addresses) and old idempotency keys; returns how many checkouts went. Run by `checkout.purge`.
   */
  purgeStale(): Promise<number>;
  /** Registers the recurring purge (`checkout.purge`, every `purgeEveryMs`) with the outbox. */
  registerJobs(outbox: Pick<RecurringJobs, 'every'>): void;
  /** Personal data held for a customer (their checkouts in progress): for export and account deletion. */
  personalData: { name: string; export(userId: string): Promise<unknown>; erase(trx: Db, userId: string): Promise<void> };
}

/** Who is checking out: a signed-in customer, or a guest. */
export interface Who {
  customerId?: string | undefined;
}

export interface CheckoutDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  pricing: CheckoutPricing;
  orders: CheckoutOrders;
  payments: CheckoutPayments;
  /** The providers configured (PAYMENTS), in the order the shopper is offered them. */
  providers: readonly PaymentProvider[];
  publicUrl: string;
  now?: () => Date;
  /** How long an untouched checkout keeps its personal data (default 30 days). */
  retentionMs?: number;
  /** How often the purge of untouched checkouts runs (default hourly). */
  purgeEveryMs?: number;
}

/** The recurring outbox job that deletes checkouts left untouched past the retention time. */
export const purgeJob = 'checkout.purge';

const detailsRef = (id: string) => ({ table: 'checkout_session', column: 'details_encrypted', rowId: id });
const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest();
const paidStates = new Set(['paid', 'partially_fulfilled', 'fulfilled', 'delivered', 'partially_refunded', 'refunded']);

/** JSON with every object's keys sorted and undefined values left out: equal requests, equal text. */
const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
};

/** Human name of a quoted line ("Linen shirt, Blue / M"). */
const lineName = (line: { productName: string; variantTitle: string }) =>
  line.variantTitle && line.variantTitle !== 'Default' ? `${line.productName}, ${line.variantTitle}` : line.productName;

export function createCheckoutService(deps: CheckoutDeps): CheckoutService {
  const { db, fieldEncryption: fe, pricing, orders, payments } = deps;
  const now = deps.now ?? (() => new Date());
  const retentionMs = deps.retentionMs ?? 30 * 24 * 3600 * 1000;
  const purgeStale = () => repo.deleteStale(db, new Date(now().getTime() - retentionMs));
  const base = deps.publicUrl.replace(/\/$/, '');

  const emptyState = (): CheckoutState => ({ id: null, details: null, shippingMethodId: null, provider: null, discountCode: null, attemptKey: null, orderNumber: null });

  /** The row's choices, without opening its sealed details. */
  const stateFromRow = (row: repo.CheckoutSessionRow): CheckoutState => ({
    id: row.id,
    details: null,
    shippingMethodId: row.shipping_method_id,
    provider: row.provider as PaymentProvider | null,
    discountCode: row.discount_code,
    attemptKey: row.attempt_key,
    orderNumber: row.order_number,
  });

  const stateOf = async (row: repo.CheckoutSessionRow | undefined): Promise<CheckoutState> => {
    if (row === undefined) return emptyState();
    const details = row.details_encrypted === null ? null : (JSON.parse(await fe.open(detailsRef(row.id), row.details_encrypted)) as ContactDetails);
    return { ...stateFromRow(row), details };
  };

  const quoteFor = (cart: CartRef, state: CheckoutState, who: Who, overrides: { shippingMethodId?: string | null; discountCode?: string | null } = {}) => {
    const shipping = state.details?.shipping;
    const methodId = overrides.shippingMethodId !== undefined ? overrides.shippingMethodId : state.shippingMethodId;
    const code = overrides.discountCode !== undefined ? overrides.discountCode : effectiveCode(state, cart);
    return pricing.quote({
      lines: cart.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })),
      ...(shipping ? { shipTo: { country: shipping.country, region: shipping.region } } : {}),
      ...(methodId ? { shippingMethodId: methodId } : {}),
      ...(code ? { discountCode: code } : {}),
      ...(who.customerId ? { customerId: who.customerId } : {}),
      ...(state.details ? { customerEmail: state.details.email } : {}),
    });
  };

  /** The code the order gets: the checkout's own choice, else the one applied on the cart page. */
  const effectiveCode = (state: CheckoutState, cart: CartRef | undefined): string | null => {
    if (state.discountCode !== null) return state.discountCode === '' ? null : state.discountCode;
    return cart?.discountCode ?? null;
  };

  /** Refuses a cart that is absent, empty, or holds a line that cannot be bought now. */
  const purchasable = (cart: CartRef | undefined): CartRef => {
    if (cart === undefined || cart.lines.length === 0) throw cartEmpty();
    return cart;
  };
  const refuseUnpurchasable = (quote: Quote) => {
    const bad = quote.lines.filter((l) => l.state !== 'ok');
    if (bad.length > 0) throw cartUnpurchasable(bad.map((l) => ({ variantId: l.variantId, name: lineName(l), state: l.state })));
  };

  const nextStep = (state: CheckoutState, quote: Quote): Step => {
    if (state.details === null) return 'contact';
    if (state.shippingMethodId === null || !quote.shippingOptions.some((o) => o.id === state.shippingMethodId)) return 'shipping';
    if (state.provider === null || !deps.providers.includes(state.provider)) return 'payment';
    return 'review';
  };

  /**
   * The cart's row, ready for a new attempt: a row whose order was placed, while the cart holds lines
   * again (its payment failed and the cart came back), starts over with the same details.
   */
  const rowFor = async (cart: CartRef): Promise<repo.CheckoutSessionRow | undefined> => {
    const row = await repo.findByCart(db, cart.id);
    if (row !== undefined && row.order_id !== null && cart.lines.length > 0) {
      await repo.startNewAttempt(db, row.id, row.attempt_key, newAttemptKey(), now());
      return repo.findByCart(db, cart.id);
    }
    return row;
  };

  const newAttemptKey = () => `web:${randomBytes(16).toString('base64url')}`;

  const load = async (cart: CartRef | undefined, who: Who) => {
    const c = purchasable(cart);
    const row = await rowFor(c);
    const state = await stateOf(row);
    const quote = await quoteFor(c, state, who);
    refuseUnpurchasable(quote);
    return { cart: c, row, state, quote };
  };

  const requireStep = (state: CheckoutState, quote: Quote, step: Step) => {
    const next = nextStep(state, quote);
    if (steps.indexOf(next) < steps.indexOf(step)) throw stepIncomplete(next);
  };

  /** Checks the contact step's input; throws CHECKOUT_INVALID naming each bad field. */
  const validContact = (input: ContactInput, naming: 'form' | 'api'): ContactDetails => {
    const problems: FieldProblem[] = [];
    const email = validEmail(problems, 'email', input.email);
    const formName = (prefix: string) => (k: string) => `${prefix}${k.charAt(0).toUpperCase()}${k.slice(1)}`;
    const shipping = validAddress(problems, input.shipping, naming === 'form' ? formName('ship') : (k) => `shippingAddress.${k}`);
    const billing = input.billingSameAsShipping ? null : validAddress(problems, input.billing ?? {}, naming === 'form' ? formName('bill') : (k) => `billingAddress.${k}`);
    if (problems.length > 0) throw checkoutInvalid(problems);
    return { email: email!, shipping: shipping!, billing: billing ?? null, saveAddress: input.saveAddress === true };
  };

  const sealDetails = (id: string, d: ContactDetails) => fe.seal(detailsRef(id), JSON.stringify({ email: d.email, shipping: d.shipping, billing: d.billing, saveAddress: d.saveAddress }));

  /** The API's choices, written with the contact in one statement. */
  type Choices = { shipping_method_id: string; provider: PaymentProvider; discount_code: string; attempt_key: string; request_hash: Buffer };

  /**
   * Writes the contact step (a new row when the cart has none), with the API's choices when given; the
   * token only when the row is new. Returns the row as written.
   */
  const writeContact = async (
    cart: CartRef,
    who: Who,
    row: repo.CheckoutSessionRow | undefined,
    details: ContactDetails,
    choices?: Choices,
  ): Promise<{ row: repo.CheckoutSessionRow; accessToken?: string }> => {
    const at = now();
    if (row === undefined) {
      const id = newId();
      const accessToken = randomBytes(32).toString('base64url');
      const inserted = await repo.insertIfAbsent(db, {
        id, cart_id: cart.id, customer_id: who.customerId ?? null, details_encrypted: await sealDetails(id, details),
        shipping_method_id: null, provider: null, discount_code: null, attempt_key: null, request_hash: null, order_id: null, order_number: null,
        ...choices,
        access_hash: sha256(accessToken), created_at: at, updated_at: at,
      });
      if (inserted !== undefined) return { row: inserted, accessToken };
      // A twin request created the row first: write over its details (the later form wins), keep its token.
      row = (await repo.findByCart(db, cart.id))!;
    }
    const written = await repo.update(db, row.id, { details_encrypted: await sealDetails(row.id, details), customer_id: who.customerId ?? row.customer_id, ...choices, updated_at: at });
    return { row: written ?? row };
  };

  const validProvider = (provider: string | undefined, field: string): PaymentProvider => {
    const chosen = deps.providers.find((p) => p === provider);
    if (chosen === undefined) throw checkoutInvalid([{ field, message: 'Choose how you would like to pay' }]);
    return chosen;
  };

  const validMethod = (quote: Quote, methodId: string | undefined, field: string): string => {
    if (methodId === undefined || methodId === '') throw checkoutInvalid([{ field, message: 'Choose a delivery option' }]);
    if (!quote.shippingOptions.some((o) => o.id === methodId)) throw checkoutInvalid([{ field, message: 'Choose one of the delivery options shown for this address' }]);
    return methodId;
  };

  /** The discount code tidied, or a problem when pricing does not apply it to this cart. */
  const checkDiscount = (quote: Quote, field: string) => {
    if (quote.appliedDiscount !== undefined) return;
    const problem = quote.problems.find((p) => p.code.startsWith('DISCOUNT_'));
    throw checkoutInvalid([{ field, message: problem?.message ?? 'This discount code is not valid' }]);
  };
  const tidyCode = (code: string | null | undefined) => {
    const t = tidy(code);
    return t === null ? null : t.toUpperCase();
  };

  const startPayment = async (order: OrderSummary, provider: PaymentProvider, key: string): Promise<Placed['payment'] & { redirectTo: string }> => {
    const { paymentId, action } = await payments.start({
      orderId: order.id,
      orderNumber: order.number,
      amount: order.total,
      provider,
      returnUrl: `${base}/checkout/complete/${encodeURIComponent(order.number)}`,
      cancelUrl: `${base}/checkout/review?cancelled=1`,
      idempotencyKey: key,
    });
    const redirectTo = action.type === 'redirect' ? action.url : await payments.pagePath(paymentId);
    return { id: paymentId, action, redirectTo };
  };

  /** Places the order of a checkout row whose state is known, then starts its payment. */
  const placeRow = async (row: repo.CheckoutSessionRow, state: CheckoutState, who: Who & { saveAddress?: SaveAddress }, cart?: CartRef): Promise<Placed> => {
    const attemptKey = row.attempt_key;
    if (attemptKey === null) throw attemptExpired();
    if (state.details === null) {
      // Paid and forgotten already: this is a late repeat of a placed attempt.
      if (row.order_number !== null) throw attemptExpired();
      throw stepIncomplete('contact');
    }
    if (state.shippingMethodId === null) throw stepIncomplete('shipping');
    if (state.provider === null || !deps.providers.includes(state.provider)) throw stepIncomplete('payment');
    const d = state.details;
    const code = effectiveCode(state, cart?.id === row.cart_id ? cart : undefined);
    const { order, created } = await orders.place({
      idempotencyKey: attemptKey, cartId: row.cart_id, email: d.email, shippingAddress: d.shipping,
      ...(d.billing ? { billingAddress: d.billing } : {}),
      ...(who.customerId ? { customerId: who.customerId } : {}),
      shippingMethodId: state.shippingMethodId,
      ...(code !== null ? { discountCode: code } : {}),
      provider: state.provider,
    });
    await repo.recordOrder(db, attemptKey, order, now());
    if (created && d.saveAddress && who.customerId && who.saveAddress) {
      // A convenience: the order stands even if the address book is full.
      await who.saveAddress(d.shipping).catch(() => undefined);
    }
    const payment = await startPayment(order, state.provider, attemptKey);
    return { order, created, payment: { id: payment.id, action: payment.action }, redirectTo: payment.redirectTo };
  };

  const service: CheckoutService = {
    async view(cart, who) {
      const { state, quote } = await load(cart, who);
      return { state, quote, next: nextStep(state, quote) };
    },

    async saveContact(cart, who, input) {
      const c = purchasable(cart);
      const details = validContact(input, 'form');
      const row = await rowFor(c);
      const written = await writeContact(c, who, row, details);
      return written.accessToken ? { accessToken: written.accessToken } : {};
    },

    async chooseShipping(cart, who, shippingMethodId) {
      const { row, state, quote } = await load(cart, who);
      requireStep(state, quote, 'shipping');
      const methodId = validMethod(quote, shippingMethodId, 'shippingMethodId');
      await repo.update(db, row!.id, { shipping_method_id: methodId, updated_at: now() });
    },

    async choosePayment(cart, who, provider) {
      const { row, state, quote } = await load(cart, who);
      requireStep(state, quote, 'payment');
      const chosen = validProvider(provider, 'provider');
      // The review form's idempotency key: one per attempt, made here so the review page only reads.
      await repo.update(db, row!.id, { provider: chosen, ...(row!.attempt_key === null ? { attempt_key: newAttemptKey() } : {}), updated_at: now() });
    },

    async applyDiscount(cart, who, code) {
      const { cart: c, row, state } = await load(cart, who);
      if (row === undefined) throw stepIncomplete('contact');
      const tidied = tidyCode(code);
      if (tidied !== null) {
        if (tidied.length > 64) throw checkoutInvalid([{ field: 'discountCode', message: 'Discount codes are 64 characters or fewer' }]);
        checkDiscount(await quoteFor(c, state, who, { discountCode: tidied }), 'discountCode');
      }
      await repo.update(db, row.id, { discount_code: tidied ?? '', updated_at: now() });
    },

    async place(attemptKey, who, cart) {
      const row = await repo.findByAttemptKey(db, attemptKey);
      if (row === undefined) throw attemptExpired();
      return placeRow(row, await stateOf(row), who, cart);
    },

    async placeAll(cart, who, input, idempotencyKey, holdsCart) {
      const key = `api:${idempotencyKey}`;
      const details = validContact(input, 'api');
      const provider = validProvider(input.provider, 'provider');
      const discountCode = tidyCode(input.discountCode);
      // The key names one request: sent again with another body it is refused, never answered with the
      // first request's order (a client bug or a replayed key must not pass for a retry). It is tied before
      // anything else is written: of two different requests at once, the one that ties it first goes on.
      const requestHash = sha256(canonicalJson(input));
      if (!Buffer.from(await repo.claimKey(db, key, requestHash, now())).equals(requestHash)) throw idempotencyKeyReused();

      /**
       * The key's checkout exists: the first request decides, whether it placed its order, is placing it now
       * or failed, and only for whoever holds that checkout's cart (its cookie, even once ordered) or is its
       * signed-in customer, with the same body: a key and a body seen in a log are not enough to read or
       * place someone's order. orders.place waits for a twin still placing it, and returns its order.
       */
      const repeat = async (row: repo.CheckoutSessionRow): Promise<Placed> => {
        const isCustomer = who.customerId !== undefined && who.customerId === row.customer_id;
        if (!isCustomer && cart?.id !== row.cart_id && !(await holdsCart(row.cart_id))) throw idempotencyKeyReused();
        if (row.request_hash !== null && !Buffer.from(row.request_hash).equals(requestHash)) throw idempotencyKeyReused();
        const state = await stateOf(row);
        if (state.details !== null && state.details.email !== details.email) throw idempotencyKeyReused();
        return placeRow(row, state, who);
      };

      const existing = await repo.findByAttemptKey(db, key);
      if (existing !== undefined) return repeat(existing);
      let written: Awaited<ReturnType<typeof writeContact>>;
      try {
        const c = purchasable(cart);
        const row = await rowFor(c);
        const state = { ...(await stateOf(row)), details, discountCode };
        const quote = await quoteFor(c, state, who, { shippingMethodId: input.shippingMethodId, discountCode });
        refuseUnpurchasable(quote);
        if (input.currency !== undefined && input.currency.toUpperCase() !== quote.currency) throw currencyMismatch(input.currency, quote.currency);
        validMethod(quote, input.shippingMethodId, 'shippingMethodId');
        if (discountCode !== null) checkDiscount(quote, 'discountCode');
        written = await writeContact(c, who, row, details, {
          shipping_method_id: input.shippingMethodId, provider, discount_code: discountCode ?? '', attempt_key: key, request_hash: requestHash,
        });
      } catch (err) {
        // A twin with this key got further (its order took the stock or the cart this one read): answer
        // as it does.
        const twin = await repo.findByAttemptKey(db, key);
        if (twin !== undefined) return repeat(twin);
        // Refused before any order was attempted: the key is free again, so the corrected request may
        // use it (as a payment API saves no result for a request that failed its checks).
        await repo.releaseKey(db, key, requestHash);
        throw err;
      }
      const placed = await placeRow(written.row, { ...stateFromRow(written.row), details }, who);
      return written.accessToken ? { ...placed, accessToken: written.accessToken } : placed;
    },

    async completion(orderNumber, access) {
      // This browser placed it (its cookie's token matches the checkout's), or it holds the mail's link.
      let link = access.link;
      if (link === undefined && access.token !== undefined && access.token.length <= 100) {
        const row = await repo.findPlaced(db, orderNumber, sha256(access.token));
        if (row?.order_id) link = new URL(await orders.guestPathOf(row.order_id), base).searchParams.get('token') ?? undefined;
      }
      if (link === undefined) throw orderNotFound();
      let order = await orders.getByLink(orderNumber, link);
      const latest = (list: PaymentView[]) => [...list].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime())[0];
      let payment = latest(await payments.forOrder(order.id));
      if (order.status === 'pending_payment' && payment !== undefined && (payment.status === 'pending' || payment.status === 'requires_action')) {
        // Never the redirect's word: ask the gateway, which applies a result exactly as its webhook would.
        payment = await payments.refresh(payment.id);
        order = await orders.getByLink(orderNumber, link);
      }
      const state: CompletionState = paidStates.has(order.status)
        ? 'paid'
        : order.status === 'cancelled' || payment?.status === 'failed' || payment?.status === 'cancelled'
          ? 'failed'
          : 'pending';
      // The order holds the addresses now; the checkout forgets its copy once the order is paid.
      if (state === 'paid') await repo.clearDetails(db, orderNumber, now());
      return { order, orderPath: `/account/orders/${encodeURIComponent(order.number)}?token=${encodeURIComponent(link)}`, state, payment };
    },

    async preview(cart, who, input) {
      const c = purchasable(cart);
      const problems: FieldProblem[] = [];
      const country = tidy(input.country)?.toUpperCase();
      if (country !== undefined && !/^[A-Z]{2}$/.test(country)) problems.push({ field: 'country', message: 'Give the country as an ISO 3166-1 alpha-2 code, like GB' });
      if (problems.length > 0) throw checkoutInvalid(problems);
      return pricing.quote({
        lines: c.lines,
        ...(country ? { shipTo: { country, region: tidy(input.region) } } : {}),
        ...(input.shippingMethodId ? { shippingMethodId: input.shippingMethodId } : {}),
        ...(input.discountCode ? { discountCode: input.discountCode } : {}),
        ...(who.customerId ? { customerId: who.customerId } : {}),
      });
    },

    purgeStale,

    registerJobs(outbox) {
      // Abandoned checkouts do not keep an address for long, whether or not anyone checks out again.
      outbox.every(purgeJob, deps.purgeEveryMs ?? 3_600_000, async () => void (await purgeStale()));
    },

    personalData: {
      name: 'checkouts',
      async export(userId) {
        const rows = await repo.findOfCustomer(db, userId);
        return Promise.all(
          rows.map(async (row) => {
            const s = await stateOf(row);
            return { details: s.details, shippingMethodId: s.shippingMethodId, provider: s.provider, discountCode: s.discountCode, orderNumber: s.orderNumber, updatedAt: row.updated_at.toISOString() };
          }),
        );
      },
      async erase(trx, userId) {
        await repo.deleteOfCustomer(trx, userId);
      },
    },
  };
  return service;
}
