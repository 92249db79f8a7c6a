import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { PostalAddressFields } from '../../kernel/address.js';
import { AppError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { Money } from '../../kernel/money.js';
import { can, isStaffRole } from '../../kernel/permissions.js';
import type { Actor } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { MailBrand } from '../auth/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import { OutOfStockError, type InventoryService } from '../inventory/index.js';
import type { JobContext, MailQueue, OutboxService, RecurringJobs } from '../outbox/index.js';
import {
  cancelAfterShipping,
  cancelNeedsRefund,
  cartEmpty,
  fulfilTooMany,
  idempotencyKeyReused,
  invalidTransition,
  linesUnavailable,
  mailNotApplicable,
  nothingToFulfil,
  orderInvalid,
  orderNotFound,
  paymentsUnavailable,
  quoteProblems,
  refundTooLarge,
  shippingMethodUnavailable,
  soldOut,
  tooManyUnpaid,
} from './orders.errors.js';
import { createOrderLinks, guestPath } from './orders.links.js';
import { cancellationMail, confirmationMail, refundMail, shippingMail, type CancelledBecause, type MailOrder } from './orders.mails.js';
import type { OrderCart, OrderMetrics, OrderPaymentEvents, OrderPayments, OrderPricing, OrderQuote } from './orders.ports.js';
import * as repo from './orders.repository.js';
import type { OrdersSettings } from './orders.settings.js';
import { assertTransition, canTransition, refundable, shippable } from './orders.state-machine.js';
import type { OrderEventRow, OrderLineRow, OrderRow } from './orders.tables.js';
import type {
  FulfilInput,
  OrderDetail,
  OrderEventView,
  OrderList,
  OrderListFilter,
  OrderListRow,
  OrderStats,
  OrderStatus,
  OrderSummary,
  OrderView,
  PlacedOrder,
  PlaceOrderInput,
  ResendableMail,
  StaffAction,
} from './orders.types.js';
import { orderStatuses } from './orders.types.js';
import { normaliseEmail, validPlaceInput } from './orders.validation.js';

type Trx = Transaction<Database>;

export const holdExpiryJob = 'orders.hold-expiry';
export const reconcileJob = 'orders.reconcile';

/** A person's orders in "download my data", and their erasure when the account is deleted. */
export interface OrdersPersonalData {
  name: 'orders';
  export(userId: string): Promise<unknown>;
  erase(trx: Db, userId: string): Promise<void>;
}

/** What one reconciliation run found: each fault repaired or reported. */
export interface ReconcileReport {
  checked: number;
  repaired: { orderId: string; number: string; kind: string }[];
  reported: { orderId: string; number: string; kind: string }[];
}

export interface OrdersService {
  /**
   * Places an order in ONE transaction: the idempotency row first (a concurrent twin waits on its unique
   * index and then gets this order), a fresh quote (lines must be 'ok', the quote without problems; no
   * price is ever taken from the caller), the stock reserved, the discount redeemed, the order with its
   * lines, sealed e-mail and addresses and first event, the hold-expiry job, the cart marked ordered.
   * A repeated key returns the existing order (created: false).
   */
  place(input: PlaceOrderInput): Promise<PlacedOrder>;
  /** Given to the payments module by app.ts: each fact applied inside the transaction that records it. */
  paymentEvents: OrderPaymentEvents;

  // --- the customer's side ---
  /** The customer's own orders, newest first. */
  listForCustomer(customerId: string, page: { limit: number; offset: number }): Promise<{ items: OrderListRow[]; total: number }>;
  /** One of the customer's own orders, by id or number; ORDER_NOT_FOUND for anyone else's, exactly as for none. */
  getForCustomer(customerId: string, idOrNumber: string): Promise<OrderView>;
  /** The order behind a guest link; ORDER_NOT_FOUND for a wrong or changed token, exactly as for none. */
  getByLink(number: string, token: string): Promise<OrderView>;
  /** The summary the checkout needs to start the payment (amount, number). */
  summary(orderId: string): Promise<OrderSummary>;
  /** The guest link's path of an order (for the checkout's confirmation). */
  guestPathOf(orderId: string): Promise<string>;

  // --- staff (the caller checks the permission; each change is audited with `by`) ---
  /** orders.read: filters by status, creation date and an order number or exact e-mail address. */
  list(filter: OrderListFilter): Promise<OrderList>;
  /** orders.read: lines, decrypted addresses, payments, events and fulfilments. */
  detail(orderId: string): Promise<OrderDetail>;
  /** orders.fulfil: ships all remaining units, or the lines given, with a carrier and tracking number. */
  fulfil(orderId: string, input: FulfilInput, by: StaffAction): Promise<OrderDetail>;
  /** orders.fulfil: a shipped order was delivered. */
  markDelivered(orderId: string, by: StaffAction): Promise<OrderDetail>;
  /**
   * orders.fulfil: cancels an unpaid order (payment cancelled, stock and discount released), or a paid one
   * with nothing shipped (refunded in full through payments, then cancelled and restocked). A paid order
   * also needs `orders.refund` of the acting staff member (ORDER_CANCEL_REFUND_DENIED otherwise), since
   * its cancellation is a full refund.
   */
  cancel(orderId: string, reason: string, by: StaffAction): Promise<OrderDetail>;
  /** orders.refund: a full or partial refund through payments; never more than was paid. */
  refund(orderId: string, input: { amount: Money; reason: string }, by: StaffAction): Promise<OrderDetail>;
  /** orders.fulfil: sends a mail of the order again. */
  resendMail(orderId: string, mail: ResendableMail, by: StaffAction): Promise<OrderDetail>;
  /** orders.read: the dashboard's figures in the shop currency. */
  stats(options?: { days?: number }): Promise<OrderStats>;

  // --- jobs ---
  /** The hold-expiry job: an order still unpaid is cancelled and its stock released (idempotent). */
  expireHold(orderId: string, attempt?: number): Promise<void>;
  /** The order side of reconciliation: repairs what it can through payments, reports the rest. */
  reconcile(): Promise<ReconcileReport>;
  /** Registers the hold-expiry job and the recurring reconciliation (ORDER_RECONCILE_MINUTES) with the outbox. */
  registerJobs(outbox: Pick<OutboxService, 'handle'> & Pick<RecurringJobs, 'every'>): void;
  personalData: OrdersPersonalData;
}

export interface OrdersDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  audit: AuditService;
  outbox: Pick<OutboxService, 'enqueue'>;
  mail: MailQueue;
  inventory: Pick<InventoryService, 'reserve' | 'commitSale' | 'release' | 'returnToStock'>;
  pricing: OrderPricing;
  cart: OrderCart;
  /** Payments, bound late (they take this module's events); absent, staff refunds and cancels of paid orders refuse. */
  payments: () => OrderPayments | undefined;
  brand: MailBrand;
  locale: string;
  shopCurrency: string;
  settings: OrdersSettings;
  metrics?: OrderMetrics;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  now?: () => Date;
}

interface Who {
  actor: Actor;
  clientIp?: string | null | undefined;
  requestId?: string | null | undefined;
}

const system = (id: string): Who => ({ actor: { type: 'system', id } });
const money = (amount: number, currency: string): Money => ({ amount, currency });
const uuidShape = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const numberShape = /^B?\d{1,12}$/i;

const refs = {
  email: (orderId: string) => ({ table: 'order', column: 'email_encrypted', rowId: orderId }),
  address: (id: string) => ({ table: 'order_address', column: 'address_encrypted', rowId: id }),
};

/** Seals the fields in a fixed key order, so the stored JSON never depends on the input's order. */
const addressJson = (f: PostalAddressFields) =>
  JSON.stringify({ name: f.name, line1: f.line1, line2: f.line2, city: f.city, region: f.region, postalCode: f.postalCode, country: f.country, phone: f.phone });

export function createOrdersService(deps: OrdersDeps): OrdersService {
  const { db, fieldEncryption: fe, audit, inventory, pricing, cart, log } = deps;
  const now = deps.now ?? (() => new Date());
  const links = createOrderLinks(fe);
  const holdMs = deps.settings.holdMinutes * 60_000;
  const maxUnpaid = deps.settings.maxUnpaid;
  const reconcileMs = deps.settings.reconcileMinutes * 60_000;

  const payments = (): OrderPayments => {
    const p = deps.payments();
    if (p === undefined) throw paymentsUnavailable();
    return p;
  };

  // --- reading -------------------------------------------------------------------------------------

  const emailOf = async (row: OrderRow): Promise<string> => (row.email_encrypted === null ? '' : fe.open(refs.email(row.id), row.email_encrypted));

  const toSummary = (row: OrderRow, email: string): OrderSummary => ({
    id: row.id,
    number: row.number,
    status: row.status,
    total: money(row.total_amount, row.currency),
    email,
    createdAt: row.created_at,
  });

  const lineView = (l: OrderLineRow, currency: string) => ({
    id: l.id,
    variantId: l.variant_id,
    productId: l.product_id,
    productName: l.product_name,
    variantTitle: l.variant_title,
    sku: l.sku,
    unitPrice: money(l.unit_price_amount, currency),
    quantity: l.quantity,
    subtotal: money(l.subtotal_amount, currency),
    discount: money(l.discount_amount, currency),
    tax: money(l.tax_amount, currency),
    total: money(l.total_amount, currency),
    fulfilledQuantity: l.fulfilled_quantity,
  });

  const eventView = (e: OrderEventRow): OrderEventView => ({
    id: e.id,
    type: e.type,
    fromStatus: (e.from_status as OrderStatus | null) ?? null,
    toStatus: (e.to_status as OrderStatus | null) ?? null,
    actor: { type: e.actor_type, id: e.actor_id },
    message: e.message,
    data: e.data,
    createdAt: e.created_at,
  });

  /** The customer-facing events: status changes and shipments, in order. */
  const customerFacing = new Set(['placed', 'status', 'fulfilment', 'delivery']);

  const view = async (row: OrderRow, from: Db = db): Promise<OrderView & { events: OrderEventView[] }> => {
    const [email, lines, addresses, fulfilments, events] = await Promise.all([
      emailOf(row),
      repo.findLines(from, row.id),
      repo.findAddresses(from, row.id),
      repo.findFulfilments(from, row.id),
      repo.findEvents(from, row.id),
    ]);
    const opened = await Promise.all(
      addresses.map(async (a) => ({ kind: a.kind, fields: JSON.parse(await fe.open(refs.address(a.id), a.address_encrypted)) as PostalAddressFields })),
    );
    const c = row.currency;
    const eventViews = events.map(eventView);
    return {
      ...toSummary(row, email),
      customerId: row.customer_id,
      totals: {
        subtotal: money(row.subtotal_amount, c),
        discount: money(row.discount_amount, c),
        shipping: money(row.shipping_amount, c),
        tax: money(row.tax_amount, c),
        total: money(row.total_amount, c),
        refunded: money(row.refunded_amount, c),
        taxInclusive: row.tax_inclusive,
      },
      shippingMethod: row.shipping_method_id === null ? null : { id: row.shipping_method_id, name: row.shipping_method_name ?? row.shipping_method_id },
      discountCode: row.discount_code,
      provider: row.provider,
      lines: lines.map((l) => lineView(l, c)),
      shippingAddress: opened.find((a) => a.kind === 'shipping')?.fields ?? null,
      billingAddress: opened.find((a) => a.kind === 'billing')?.fields ?? null,
      fulfilments: fulfilments.map((f) => ({
        id: f.id,
        carrier: f.carrier,
        trackingNumber: f.tracking_number,
        createdAt: f.created_at,
        lines: f.lines.map((l) => ({ orderLineId: l.order_line_id, quantity: l.quantity })),
      })),
      timeline: eventViews.filter((e) => customerFacing.has(e.type)).map((e) => ({ status: e.toStatus, message: e.message, at: e.createdAt })),
      holdExpiresAt: row.hold_expires_at,
      erased: row.erased_at !== null,
      events: eventViews,
    };
  };

  const customerView = async (row: OrderRow): Promise<OrderView> => {
    const { events: _events, ...rest } = await view(row);
    return rest;
  };

  const detailOf = async (orderId: string): Promise<OrderDetail> => {
    const row = await repo.findOrder(db, orderId);
    if (row === undefined) throw orderNotFound();
    const [v, pays] = await Promise.all([view(row), deps.payments()?.forOrder(orderId) ?? Promise.resolve([])]);
    return { ...v, payments: pays, cancelRequested: row.cancel_requested_at !== null, cancelReason: row.cancel_reason };
  };

  const linkOf = async (row: Pick<OrderRow, 'id' | 'number' | 'link_nonce'>): Promise<string> =>
    `${deps.brand.publicUrl}${guestPath(row.number, await links.token(row.id, row.link_nonce))}`;

  const mailOrder = async (trx: Db, row: OrderRow, email: string, known?: OrderLineRow[]): Promise<MailOrder> => {
    const lines = known ?? (await repo.findLines(trx, row.id));
    const c = row.currency;
    return {
      number: row.number,
      email,
      lines: lines.map((l) => ({ productName: l.product_name, variantTitle: l.variant_title, quantity: l.quantity, total: money(l.total_amount, c) })),
      totals: {
        subtotal: money(row.subtotal_amount, c),
        discount: money(row.discount_amount, c),
        shipping: money(row.shipping_amount, c),
        tax: money(row.tax_amount, c),
        total: money(row.total_amount, c),
        taxInclusive: row.tax_inclusive,
      },
      shippingMethodName: row.shipping_method_name,
    };
  };

  // --- writing ---------------------------------------------------------------------------------------

  const eventRow = (orderId: string, who: Who, type: string, message: string, data?: Record<string, unknown> | null, status?: { from: OrderStatus; to: OrderStatus }): repo.NewOrderEvent => ({
    order_id: orderId,
    type,
    from_status: status?.from ?? null,
    to_status: status?.to ?? null,
    actor_type: who.actor.type,
    actor_id: who.actor.id ?? null,
    message,
    data: data ?? null,
  });

  const event = (trx: Db, orderId: string, who: Who, type: string, message: string, data?: Record<string, unknown> | null, status?: { from: OrderStatus; to: OrderStatus }) =>
    repo.insertEvent(trx, eventRow(orderId, who, type, message, data, status));

  /**
   * Moves an order along the machine (ORDER_INVALID_TRANSITION otherwise), in the caller's transaction:
   * the row, its history and the audit trail change together.
   */
  const transition = async (
    trx: Db,
    row: OrderRow,
    to: OrderStatus,
    who: Who,
    action: string,
    message: string,
    extra: { patch?: Parameters<typeof repo.updateOrder>[2]; data?: Record<string, unknown> } = {},
  ): Promise<OrderRow> => {
    assertTransition(row.status, to);
    const updated = await repo.updateOrder(trx, row.id, { ...extra.patch, status: to });
    await event(trx, row.id, who, 'status', message, extra.data, { from: row.status, to });
    await audit.record(trx, {
      actor: who.actor,
      action,
      target: { type: 'order', id: row.id },
      before: { status: row.status },
      after: { status: to, ...(extra.data ?? {}) },
      clientIp: who.clientIp ?? null,
      requestId: who.requestId ?? null,
    });
    return updated;
  };

  const stockLines = (lines: OrderLineRow[]) => lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity }));
  const reference = (row: OrderRow) => `order:${row.number}`;

  /** Writes a fault down where staff and alarms see it: the log, the metric and the order's history. */
  const report = async (trx: Db, row: OrderRow, kind: string, message: string, data: Record<string, unknown> = {}) => {
    log.warn({ orderId: row.id, number: row.number, kind, ...data }, `order ${row.number}: ${message}`);
    deps.metrics?.issue(kind);
    await event(trx, row.id, system('reconciliation'), `issue.${kind}`, message, data);
  };

  type MailKind = ResendableMail | 'cancellation';

  /** `once`: the mail tells of a fact that happens once (a cancellation), so the queue writes it at most once. */
  const enqueueMail = async (
    trx: Db,
    row: OrderRow,
    kind: MailKind,
    build: (order: MailOrder, link: string) => Parameters<MailQueue['enqueue']>[1],
    who: Who,
    options: { once?: string; lines?: OrderLineRow[] } = {},
  ) => {
    const email = await emailOf(row);
    if (email === '') return false;
    const message = build(await mailOrder(trx, row, email, options.lines), await linkOf(row));
    await deps.mail.enqueue(trx, message, options.once !== undefined ? { once: options.once } : undefined);
    await event(trx, row.id, who, `mail.${kind}`, `The ${kind} mail was queued.`);
    return true;
  };

  /** Tells the shopper their order is cancelled, and whether money was given back (once per order). */
  const mailCancellation = (trx: Db, row: OrderRow, who: Who, because: CancelledBecause, refunded: Money | null) =>
    enqueueMail(trx, row, 'cancellation', (order, link) => cancellationMail(deps.brand, deps.locale, order, link, { because, refunded }), who, { once: `order-cancelled:${row.id}` });

  /** Cancels an unpaid order in the caller's transaction: stock and discount released, the shopper told. */
  const cancelUnpaid = async (trx: Trx, row: OrderRow, who: Who, reason: string, message: string, because: CancelledBecause): Promise<OrderRow> => {
    const updated = await transition(trx, row, 'cancelled', who, 'order.cancel', message, { patch: { cancelled_at: now(), cancel_reason: reason }, data: { reason } });
    const lines = await repo.findLines(trx, row.id);
    await inventory.release(trx, stockLines(lines), reference(row), who.actor.id ?? who.actor.type);
    await pricing.releaseDiscount(trx, row.id);
    await mailCancellation(trx, updated, who, because, null);
    return updated;
  };

  // --- payment events --------------------------------------------------------------------------------

  const paymentEvents: OrderPaymentEvents = {
    async succeeded(trx, e) {
      const row = await repo.lockOrder(trx, e.orderId);
      if (row === undefined) {
        log.error({ orderId: e.orderId, paymentId: e.paymentId }, 'a payment succeeded for an unknown order');
        deps.metrics?.issue('payment_for_unknown_order');
        return;
      }
      const data = { paymentId: e.paymentId, provider: e.provider, amount: e.amount.amount, currency: e.amount.currency };
      // Never marked paid for a different sum: a tampered or mis-built payment is a fault for staff.
      if (e.amount.currency !== row.currency || e.amount.amount !== row.total_amount) {
        await report(trx, row, 'amount_mismatch', `A payment of ${e.amount.amount} ${e.amount.currency} does not match the order total of ${row.total_amount} ${row.currency}; the order is not marked paid.`, data);
        return;
      }
      if (row.status !== 'pending_payment') {
        const kind = row.status === 'cancelled' ? 'paid_after_cancel' : 'duplicate_payment';
        await report(trx, row, kind, row.status === 'cancelled' ? 'A payment succeeded after the order was cancelled: refund it.' : 'A second payment succeeded for an order that was paid already: refund it.', data);
        return;
      }
      const who = system('payments');
      const paid = await transition(trx, row, 'paid', who, 'order.paid', `Payment received (${e.provider}).`, { patch: { paid_at: now() }, data });
      const lines = await repo.findLines(trx, row.id);
      await inventory.commitSale(trx, stockLines(lines), reference(row), 'payments');
      await enqueueMail(trx, paid, 'confirmation', (order, link) => confirmationMail(deps.brand, deps.locale, order, link), who, { lines });
    },

    async failed(trx, e) {
      const row = await repo.lockOrder(trx, e.orderId);
      if (row === undefined) return;
      if (row.status !== 'pending_payment') {
        await event(trx, row.id, system('payments'), 'payment.failed', 'A payment attempt failed.', { paymentId: e.paymentId, reason: e.reason });
        return;
      }
      const cancelled = await cancelUnpaid(trx, row, system('payments'), 'payment_failed', 'The payment failed, so the order was cancelled.', 'payment_failed');
      await event(trx, row.id, system('payments'), 'payment.failed', 'A payment attempt failed.', { paymentId: e.paymentId, reason: e.reason });
      if (cancelled.cart_id !== null) await cart.restoreFrom(trx, row.id);
    },

    async refunded(trx, e) {
      const row = await repo.lockOrder(trx, e.orderId);
      if (row === undefined) return;
      const who = system('payments');
      // What the order counts as refunded is what the shop no longer keeps of its total: a refund of a
      // second, duplicate payment gives back money the order never needed, and leaves the order as it was.
      const kept = e.captured.amount - e.totalRefunded.amount;
      const total = Math.max(0, Math.min(row.total_amount, row.total_amount - kept));
      const data = { refundId: e.refundId, amount: e.amount.amount, totalRefunded: e.totalRefunded.amount, currency: e.amount.currency };
      await event(trx, row.id, who, 'payment.refunded', `A refund of ${e.amount.amount} ${e.amount.currency} (minor units) was made.`, data);
      if (total === row.refunded_amount) {
        await event(trx, row.id, who, 'payment.refunded_extra', 'The refund gave back a payment beyond the order total; the order stands as it was.', data);
        return;
      }
      let updated = await repo.updateOrder(trx, row.id, { refunded_amount: total });
      const complete = total >= row.total_amount;
      const cancelling = row.cancel_requested_at !== null && row.status === 'paid' && complete;
      if (cancelling) {
        updated = await transition(trx, updated, 'cancelled', who, 'order.cancel', 'Refunded in full and cancelled.', {
          patch: { cancelled_at: now(), cancel_requested_at: null },
          data: { reason: row.cancel_reason ?? 'cancelled' },
        });
        // The units were sold when it was paid: they come back on hand.
        const lines = await repo.findLines(trx, row.id);
        await inventory.returnToStock(trx, stockLines(lines), reference(row), 'payments', 'Order cancelled');
        await pricing.releaseDiscount(trx, row.id);
      } else if (refundable.includes(row.status)) {
        const to: OrderStatus = complete ? 'refunded' : 'partially_refunded';
        if (canTransition(row.status, to)) {
          updated = await transition(trx, updated, to, who, 'order.refund', complete ? 'Refunded in full.' : 'Partly refunded.', { data });
        }
      } else {
        await report(trx, row, 'refund_in_unexpected_status', `A refund was made while the order was ${row.status}.`, data);
      }
      // A refund that completes a cancellation is told by the cancellation mail, which names the sum.
      if (cancelling) await mailCancellation(trx, updated, who, 'shop', money(total, row.currency));
      else await enqueueMail(trx, updated, 'refund', (order, link) => refundMail(deps.brand, deps.locale, order, link, { amount: e.amount, totalRefunded: money(total, row.currency), complete }), who);
    },
  };

  // --- placing ----------------------------------------------------------------------------------------

  const place = async (input: PlaceOrderInput): Promise<PlacedOrder> => {
    const { email, shipping, billing } = validPlaceInput(input);
    const orderId = newId();
    const shippingId = newId();
    const billingId = newId();
    // Sealed before the transaction, so no lock waits on the key ring.
    const [emailSealed, emailIndex, shippingSealed, billingSealed] = await Promise.all([
      fe.seal(refs.email(orderId), email),
      fe.blindIndex('order', 'email', normaliseEmail(email)),
      fe.seal(refs.address(shippingId), addressJson(shipping)),
      billing === null ? Promise.resolve(null) : fe.seal(refs.address(billingId), addressJson(billing)),
    ]);
    const placedAt = now();
    const outcome = await db.transaction().execute(async (trx): Promise<{ row: OrderRow; created: boolean }> => {
      if (!(await repo.insertIdempotency(trx, input.idempotencyKey, orderId))) {
        const existingId = await repo.findIdempotentOrderId(trx, input.idempotencyKey);
        const existing = existingId === undefined ? undefined : await repo.findOrder(trx, existingId);
        if (existing === undefined) throw orderNotFound();
        // A key is only ever honoured for the checkout that used it: never hand out another's order.
        if (existing.cart_id !== input.cartId) throw idempotencyKeyReused();
        return { row: existing, created: false };
      }
      if ((await repo.countOpenUnpaid(trx, { emailIndex, customerId: input.customerId ?? null, at: placedAt })) >= maxUnpaid) throw tooManyUnpaid(maxUnpaid);
      const cartLines = await cart.linesOf(trx, input.cartId);
      if (cartLines === undefined || cartLines.length === 0) throw cartEmpty();
      const quote: OrderQuote = await pricing.quote(
        {
          lines: cartLines,
          shipTo: { country: shipping.country, region: shipping.region },
          shippingMethodId: input.shippingMethodId,
          ...(input.discountCode ? { discountCode: input.discountCode } : {}),
          ...(input.customerId ? { customerId: input.customerId } : {}),
          customerEmail: normaliseEmail(email),
        },
        trx,
      );
      const stockOut = quote.lines.find((l) => l.state === 'sold_out' || l.state === 'insufficient_stock');
      if (stockOut) throw soldOut(stockOut.productName, stockOut.variantId, Math.max(0, stockOut.available ?? 0));
      const unsellable = quote.lines.filter((l) => l.state !== 'ok');
      if (unsellable.length > 0) throw linesUnavailable(unsellable.map((l) => ({ variantId: l.variantId, state: l.state, name: l.productName })));
      if (quote.shippingMethod === undefined || quote.shippingMethod.id !== input.shippingMethodId) throw shippingMethodUnavailable();
      if (quote.problems.length > 0) throw quoteProblems(quote.problems);
      if (quote.lines.length === 0) throw cartEmpty();

      const who: Who = input.customerId ? { actor: { type: 'customer', id: input.customerId } } : { actor: { type: 'anonymous' } };
      const row = await repo.insertPlaced(trx, {
        order: {
          id: orderId,
          status: 'pending_payment',
          customer_id: input.customerId ?? null,
          email_encrypted: emailSealed,
          email_index: emailIndex,
          cart_id: input.cartId,
          currency: quote.currency,
          tax_inclusive: quote.taxInclusive,
          subtotal_amount: quote.subtotal.amount,
          discount_amount: quote.discount.amount,
          shipping_amount: quote.shipping.amount,
          tax_amount: quote.tax.amount,
          total_amount: quote.total.amount,
          shipping_method_id: quote.shippingMethod.id,
          shipping_method_name: quote.shippingMethod.name,
          discount_id: quote.appliedDiscount?.id ?? null,
          discount_code: quote.appliedDiscount?.code ?? null,
          provider: input.provider,
          link_nonce: randomBytes(16),
          hold_expires_at: new Date(placedAt.getTime() + holdMs),
        },
        lines: quote.lines.map((l, position) => ({
          id: newId(),
          order_id: orderId,
          position,
          variant_id: l.variantId,
          product_id: l.productId,
          product_name: l.productName,
          variant_title: l.variantTitle,
          sku: l.sku,
          unit_price_amount: l.unitPrice.amount,
          quantity: l.quantity,
          subtotal_amount: l.subtotal.amount,
          discount_amount: l.discount.amount,
          tax_amount: l.tax.amount,
          total_amount: l.total.amount,
        })),
        addresses: [
          { id: shippingId, order_id: orderId, kind: 'shipping', address_encrypted: shippingSealed },
          ...(billingSealed !== null ? [{ id: billingId, order_id: orderId, kind: 'billing' as const, address_encrypted: billingSealed }] : []),
        ],
        // Written with the order: if stock or the code is refused below, the transaction takes it back too.
        event: eventRow(orderId, who, 'placed', 'Order placed.', { total: quote.total.amount, currency: quote.currency, provider: input.provider }),
      });
      // Stock last among the reads: its row locks are held until commit, so they are held briefly.
      try {
        await inventory.reserve(trx, quote.lines.map((l) => ({ variantId: l.variantId, quantity: l.quantity })), `order:${row.number}`, input.customerId ?? 'checkout');
      } catch (err) {
        if (err instanceof OutOfStockError) {
          const line = quote.lines.find((l) => l.variantId === err.variantId);
          throw soldOut(line?.productName ?? 'An item', err.variantId, err.available);
        }
        throw err;
      }
      if (quote.appliedDiscount) {
        await pricing.redeemDiscount(trx, { discountId: quote.appliedDiscount.id, orderId, ...(input.customerId ? { customerId: input.customerId } : {}), customerEmail: normaliseEmail(email) });
      }
      await deps.outbox.enqueue(trx, { type: holdExpiryJob, key: `${holdExpiryJob}:${orderId}`, payload: { orderId }, runAt: row.hold_expires_at });
      await cart.markOrdered(trx, input.cartId, orderId);
      return { row, created: true };
    });
    if (outcome.created) deps.metrics?.orderPlaced(outcome.row.currency);
    const token = await links.token(outcome.row.id, outcome.row.link_nonce);
    return { order: toSummary(outcome.row, await emailOf(outcome.row)), created: outcome.created, guestPath: guestPath(outcome.row.number, token) };
  };

  // --- staff actions ----------------------------------------------------------------------------------

  const lockOrThrow = async (trx: Db, orderId: string) => {
    const row = await repo.lockOrder(trx, orderId);
    if (row === undefined) throw orderNotFound();
    return row;
  };

  const findOrThrow = async (orderId: string) => {
    if (!uuidShape.test(orderId)) throw orderNotFound();
    const row = await repo.findOrder(db, orderId);
    if (row === undefined) throw orderNotFound();
    return row;
  };

  const staffAudit = (trx: Db, row: OrderRow, by: StaffAction, action: string, after: Record<string, unknown>, outcome: 'success' | 'failure' = 'success') =>
    audit.record(trx, {
      actor: by.actor,
      action,
      target: { type: 'order', id: row.id },
      after,
      clientIp: by.clientIp ?? null,
      requestId: by.requestId ?? null,
      outcome,
    });

  const fulfil = async (orderId: string, input: FulfilInput, by: StaffAction): Promise<OrderDetail> => {
    await findOrThrow(orderId);
    const carrier = tidyText(input.carrier, 60, 'carrier');
    const trackingNumber = tidyText(input.trackingNumber, 100, 'tracking number');
    await db.transaction().execute(async (trx) => {
      const row = await lockOrThrow(trx, orderId);
      if (!shippable.includes(row.status)) throw invalidTransition(row.status, 'fulfilled');
      const lines = await repo.findLines(trx, orderId);
      const remaining = new Map(lines.map((l) => [l.id, l.quantity - l.fulfilled_quantity]));
      const wanted = new Map<string, number>();
      for (const l of input.lines ?? lines.map((x) => ({ orderLineId: x.id, quantity: x.quantity - x.fulfilled_quantity })).filter((x) => x.quantity > 0)) {
        if (!remaining.has(l.orderLineId)) throw orderInvalid('A line to ship is not part of this order.', { orderLineId: l.orderLineId });
        if (!Number.isSafeInteger(l.quantity) || l.quantity <= 0) throw orderInvalid('Ship a whole, positive number of units per line.', { orderLineId: l.orderLineId });
        wanted.set(l.orderLineId, (wanted.get(l.orderLineId) ?? 0) + l.quantity);
      }
      if (wanted.size === 0) throw nothingToFulfil();
      for (const [lineId, quantity] of wanted) {
        if (quantity > remaining.get(lineId)!) throw fulfilTooMany(lineId, remaining.get(lineId)!);
        if (!(await repo.addFulfilled(trx, lineId, quantity))) throw fulfilTooMany(lineId, remaining.get(lineId)!);
      }
      const fulfilmentId = newId();
      await repo.insertFulfilment(
        trx,
        { id: fulfilmentId, order_id: orderId, carrier, tracking_number: trackingNumber, actor_id: by.actor.id ?? null },
        [...wanted].map(([order_line_id, quantity]) => ({ order_line_id, quantity })),
      );
      const complete = lines.every((l) => l.fulfilled_quantity + (wanted.get(l.id) ?? 0) >= l.quantity);
      const data = { fulfilmentId, carrier, trackingNumber, units: [...wanted.values()].reduce((a, b) => a + b, 0) };
      let updated = row;
      if (row.status === 'paid' || row.status === 'partially_fulfilled') {
        updated = await transition(trx, row, complete ? 'fulfilled' : 'partially_fulfilled', by, 'order.fulfil', complete ? 'Shipped.' : 'Partly shipped.', { data });
      } else {
        await staffAudit(trx, row, by, 'order.fulfil', data);
      }
      await event(trx, orderId, by, 'fulfilment', trackingNumber ? `Shipped with ${carrier ?? 'the carrier'}, tracking number ${trackingNumber}.` : 'Shipped.', data);
      const byLine = new Map(lines.map((l) => [l.id, l]));
      await enqueueMail(
        trx,
        updated,
        'shipping',
        (order, link) =>
          shippingMail(deps.brand, deps.locale, order, link, {
            carrier,
            trackingNumber,
            complete,
            lines: [...wanted].map(([id, quantity]) => ({ productName: byLine.get(id)!.product_name, quantity })),
          }),
        by,
      );
    });
    return detailOf(orderId);
  };

  const markDelivered = async (orderId: string, by: StaffAction): Promise<OrderDetail> => {
    await findOrThrow(orderId);
    await db.transaction().execute(async (trx) => {
      const row = await lockOrThrow(trx, orderId);
      if (row.status === 'partially_refunded') {
        const lines = await repo.findLines(trx, orderId);
        if (!lines.every((l) => l.fulfilled_quantity >= l.quantity)) throw invalidTransition(row.status, 'delivered');
        await staffAudit(trx, row, by, 'order.deliver', {});
        await event(trx, orderId, by, 'delivery', 'Delivered.');
        return;
      }
      await transition(trx, row, 'delivered', by, 'order.deliver', 'Delivered.');
      await event(trx, orderId, by, 'delivery', 'Delivered.');
    });
    return detailOf(orderId);
  };

  const mayRefund = (by: StaffAction): boolean => by.actor.type === 'staff' && isStaffRole(by.actor.role) && can(by.actor.role, 'orders.refund');

  const cancel = async (orderId: string, reasonText: string, by: StaffAction): Promise<OrderDetail> => {
    const reason = tidyText(reasonText, 200, 'reason') ?? 'cancelled by staff';
    let row = await findOrThrow(orderId);
    if (row.status === 'pending_payment') {
      // The gateway first, outside any transaction: a payment that succeeded meanwhile makes the order
      // paid (through the events), and the check below then takes the paid path.
      await deps.payments()?.cancel(orderId);
      const outcome = await db.transaction().execute(async (trx) => {
        const locked = await lockOrThrow(trx, orderId);
        if (locked.status !== 'pending_payment') return locked;
        await cancelUnpaid(trx, locked, by, reason, 'Cancelled by staff.', 'shop');
        return undefined;
      });
      if (outcome === undefined) return detailOf(orderId);
      row = outcome;
    }
    if (row.status !== 'paid') {
      const lines = await repo.findLines(db, orderId);
      if (lines.some((l) => l.fulfilled_quantity > 0)) throw cancelAfterShipping();
      throw invalidTransition(row.status, 'cancelled');
    }
    // Cancelling a paid order refunds it in full through the gateway: without this, `orders.fulfil`
    // alone would move money that only `orders.refund` may move.
    if (!mayRefund(by)) throw cancelNeedsRefund();
    const p = payments();
    const toRefund = row.total_amount - row.refunded_amount;
    await db.transaction().execute(async (trx) => {
      const locked = await lockOrThrow(trx, orderId);
      if (locked.status !== 'paid') throw invalidTransition(locked.status, 'cancelled');
      const lines = await repo.findLines(trx, orderId);
      if (lines.some((l) => l.fulfilled_quantity > 0)) throw cancelAfterShipping();
      await repo.updateOrder(trx, orderId, { cancel_requested_at: now(), cancel_reason: reason });
      await event(trx, orderId, by, 'cancel.requested', 'Cancellation asked for: the payment is refunded in full, then the order is cancelled.', { reason });
      await staffAudit(trx, locked, by, 'order.cancel_requested', { reason, refund: toRefund });
    });
    try {
      await p.refund({ orderId, amount: money(toRefund, row.currency), reason: `Order cancelled: ${reason}`, actor: by });
    } catch (err) {
      await db.transaction().execute(async (trx) => {
        const locked = await lockOrThrow(trx, orderId);
        if (locked.status !== 'paid') return;
        await repo.updateOrder(trx, orderId, { cancel_requested_at: null, cancel_reason: null });
        await event(trx, orderId, by, 'cancel.failed', 'The refund failed, so the order was not cancelled.', { code: err instanceof AppError ? err.code : 'ERROR' });
        await staffAudit(trx, locked, by, 'order.cancel_failed', { reason }, 'failure');
      });
      throw err;
    }
    return detailOf(orderId);
  };

  const refund = async (orderId: string, input: { amount: Money; reason: string }, by: StaffAction): Promise<OrderDetail> => {
    const row = await findOrThrow(orderId);
    if (!refundable.includes(row.status)) throw invalidTransition(row.status, 'refunded');
    const { amount } = input;
    if (amount.currency !== row.currency) throw orderInvalid(`Refund in the order's currency, ${row.currency}.`, { currency: row.currency });
    if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) throw orderInvalid('Refund a whole, positive amount of minor units.');
    const remaining = row.total_amount - row.refunded_amount;
    if (amount.amount > remaining) throw refundTooLarge(remaining, row.currency);
    const reason = tidyText(input.reason, 200, 'reason') ?? 'refund';
    // The gateway refunds (and audits with the actor); its event moves the order, in its transaction.
    const { refundId } = await payments().refund({ orderId, amount, reason, actor: by });
    await db.transaction().execute(async (trx) => {
      const locked = await lockOrThrow(trx, orderId);
      await event(trx, orderId, by, 'refund.staff', `Refund of ${amount.amount} ${amount.currency} (minor units) by staff: ${reason}.`, { refundId, amount: amount.amount, reason });
      await staffAudit(trx, locked, by, 'order.refund', { refundId, amount: amount.amount, currency: amount.currency, reason });
    });
    return detailOf(orderId);
  };

  const resendMail = async (orderId: string, mail: ResendableMail, by: StaffAction): Promise<OrderDetail> => {
    await findOrThrow(orderId);
    await db.transaction().execute(async (trx) => {
      const row = await lockOrThrow(trx, orderId);
      const fulfilments = await repo.findFulfilments(trx, orderId);
      let sent = false;
      if (mail === 'confirmation' && row.paid_at !== null) {
        sent = await enqueueMail(trx, row, 'confirmation', (order, link) => confirmationMail(deps.brand, deps.locale, order, link), by);
      } else if (mail === 'shipping' && fulfilments.length > 0) {
        const last = fulfilments[fulfilments.length - 1]!;
        const lines = new Map((await repo.findLines(trx, orderId)).map((l) => [l.id, l]));
        const complete = [...lines.values()].every((l) => l.fulfilled_quantity >= l.quantity);
        sent = await enqueueMail(
          trx,
          row,
          'shipping',
          (order, link) =>
            shippingMail(deps.brand, deps.locale, order, link, {
              carrier: last.carrier,
              trackingNumber: last.tracking_number,
              complete,
              lines: last.lines.map((l) => ({ productName: lines.get(l.order_line_id)?.product_name ?? 'Item', quantity: l.quantity })),
            }),
          by,
        );
      } else if (mail === 'refund' && row.refunded_amount > 0) {
        const total = money(row.refunded_amount, row.currency);
        sent = await enqueueMail(trx, row, 'refund', (order, link) => refundMail(deps.brand, deps.locale, order, link, { amount: total, totalRefunded: total, complete: row.refunded_amount >= row.total_amount }), by);
      }
      if (!sent) throw mailNotApplicable(mail);
      await staffAudit(trx, row, by, 'order.mail_resend', { mail });
    });
    return detailOf(orderId);
  };

  // --- lists and the dashboard -----------------------------------------------------------------------

  const listRow = async (r: repo.ListedOrder): Promise<OrderListRow> => ({ ...toSummary(r, await emailOf(r)), itemCount: r.item_count, customerId: r.customer_id });

  const list = async (filter: OrderListFilter): Promise<OrderList> => {
    const q = filter.q?.trim() ?? '';
    let number: string | undefined;
    let emailIndex: Uint8Array | undefined;
    if (q !== '') {
      if (numberShape.test(q)) number = `B${q.replace(/^b/i, '')}`;
      else if (q.includes('@')) emailIndex = await fe.blindIndex('order', 'email', normaliseEmail(q));
      else return { items: [], total: 0, counts: Object.fromEntries(orderStatuses.map((s) => [s, 0])) as Record<OrderStatus, number> };
    }
    const statuses: OrderStatus[] | undefined = filter.status === 'to_fulfil' ? ['paid', 'partially_fulfilled'] : filter.status ? [filter.status] : undefined;
    const { rows, total, counts } = await repo.listOrders(db, { statuses, from: filter.from, to: filter.to, number, emailIndex, limit: filter.limit, offset: filter.offset });
    const byStatus = Object.fromEntries(orderStatuses.map((s) => [s, counts.find((c) => c.status === s)?.n ?? 0])) as Record<OrderStatus, number>;
    return { items: await Promise.all(rows.map(listRow)), total, counts: byStatus };
  };

  const stats = async (options: { days?: number } = {}): Promise<OrderStats> => {
    const days = Math.min(Math.max(options.days ?? 14, 1), 90);
    const at = now();
    const today = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
    const dayMs = 86_400_000;
    // Weeks start on Monday, as in most of the places Bastion sells.
    const weekStart = new Date(today.getTime() - ((today.getUTCDay() + 6) % 7) * dayMs);
    const seriesStart = new Date(today.getTime() - (days - 1) * dayMs);
    const since = weekStart < seriesStart ? weekStart : seriesStart;
    const c = deps.shopCurrency;
    const [rows, toFulfil] = await Promise.all([repo.dailySales(db, c, since), repo.countToFulfil(db)]);
    const byDay = new Map(rows.map((r) => [r.day, r]));
    const iso = (d: Date) => d.toISOString().slice(0, 10);
    const daily = Array.from({ length: days }, (_, i) => {
      const d = iso(new Date(seriesStart.getTime() + i * dayMs));
      const r = byDay.get(d);
      return { date: d, sales: money(r?.sales ?? 0, c), orders: r?.orders ?? 0 };
    });
    const sumFrom = (from: Date) => rows.filter((r) => r.day >= iso(from)).reduce((s, r) => s + r.sales, 0);
    return {
      currency: c,
      salesToday: money(sumFrom(today), c),
      salesThisWeek: money(sumFrom(weekStart), c),
      ordersToday: byDay.get(iso(today))?.orders ?? 0,
      toFulfil,
      daily,
    };
  };

  // --- jobs -------------------------------------------------------------------------------------------

  const expireHold = async (orderId: string, attempt = 1): Promise<void> => {
    const row = await repo.findOrder(db, orderId);
    if (row === undefined || row.status !== 'pending_payment') return;
    const p = deps.payments();
    if (p !== undefined) {
      try {
        await p.cancel(orderId);
      } catch (err) {
        // Retried with backoff a few times; after that the stock matters more: cancel anyway, and
        // reconciliation reports a payment that still succeeds.
        if (attempt < 5) throw err;
        log.warn({ orderId, err: err instanceof Error ? err.message : String(err) }, 'hold expiry: the payment could not be cancelled; cancelling the order anyway');
      }
    }
    await db.transaction().execute(async (trx) => {
      const locked = await repo.lockOrder(trx, orderId);
      if (locked === undefined || locked.status !== 'pending_payment') return;
      await cancelUnpaid(trx, locked, system('hold-expiry'), 'hold_expired', 'Not paid in time, so the order was cancelled and its items put back on sale.', 'hold_expired');
    });
  };

  const reconcile = async (): Promise<ReconcileReport> => {
    const result: ReconcileReport = { checked: 0, repaired: [], reported: [] };
    const p = deps.payments();
    if (p === undefined) return result;
    const at = now();
    const window = new Date(at.getTime() - 3 * 86_400_000);
    const once = async (row: OrderRow, kind: string, message: string, data: Record<string, unknown> = {}) => {
      result.reported.push({ orderId: row.id, number: row.number, kind });
      if (await repo.hasEvent(db, row.id, `issue.${kind}`)) {
        deps.metrics?.issue(kind);
        return;
      }
      await db.transaction().execute((trx) => report(trx, row, kind, message, data));
    };

    // Unpaid past the hold: a payment that succeeded without its webhook is fetched (the retrieval
    // applies it, as a webhook would); with none, the hold expiry runs now.
    for (const row of await repo.findPendingPastHold(db, at, 200)) {
      result.checked += 1;
      const pays = await p.forOrder(row.id);
      for (const pay of pays.filter((x) => x.status !== 'failed' && x.status !== 'cancelled')) await p.refresh(pay.id).catch(() => undefined);
      const after = (await repo.findOrder(db, row.id))!;
      if (after.status !== 'pending_payment') {
        result.repaired.push({ orderId: row.id, number: row.number, kind: 'payment_applied' });
        await db.transaction().execute((trx) => event(trx, row.id, system('reconciliation'), 'reconcile.repaired', 'Reconciliation fetched the payment and applied it.'));
        continue;
      }
      const refreshed = await p.forOrder(row.id);
      if (refreshed.some((x) => x.status === 'succeeded')) {
        await once(after, 'pending_with_succeeded_payment', 'A payment succeeded but the order is still awaiting payment.');
        continue;
      }
      await expireHold(row.id, 5);
      result.repaired.push({ orderId: row.id, number: row.number, kind: 'hold_expired' });
    }

    // Paid without a succeeded payment: fetched again, then reported.
    for (const row of await repo.findPaidOrdersSince(db, window, 500)) {
      result.checked += 1;
      let pays = await p.forOrder(row.id);
      if (pays.some((x) => x.status === 'succeeded')) continue;
      for (const pay of pays) await p.refresh(pay.id).catch(() => undefined);
      pays = await p.forOrder(row.id);
      if (!pays.some((x) => x.status === 'succeeded')) await once(row, 'paid_without_payment', 'The order is paid but no payment succeeded for it.');
    }

    // Cancelled with money taken and not given back.
    for (const row of await repo.findCancelledSince(db, window, 500)) {
      const pays = await p.forOrder(row.id);
      const kept = pays.filter((x) => x.status === 'succeeded').reduce((s, x) => s + x.captured.amount - x.refunded.amount, 0);
      if (kept > 0) {
        result.checked += 1;
        await once(row, 'cancelled_with_payment', 'The order is cancelled but a payment for it was captured and not refunded.', { kept });
      }
    }
    return result;
  };

  const personalData: OrdersPersonalData = {
    name: 'orders',
    async export(userId) {
      const rows = await repo.findOrdersOfCustomer(db, userId);
      const iso = (d: Date) => d.toISOString();
      return Promise.all(
        rows.map(async (row) => {
          const v = await customerView(row);
          return {
            number: v.number,
            status: v.status,
            email: v.email,
            placedAt: iso(v.createdAt),
            totals: v.totals,
            shippingMethod: v.shippingMethod?.name ?? null,
            discountCode: v.discountCode,
            lines: v.lines.map((l) => ({ product: l.productName, variant: l.variantTitle, sku: l.sku, quantity: l.quantity, unitPrice: l.unitPrice, total: l.total })),
            shippingAddress: v.shippingAddress,
            billingAddress: v.billingAddress,
            shipments: v.fulfilments.map((f) => ({ carrier: f.carrier, trackingNumber: f.trackingNumber, at: iso(f.createdAt) })),
            history: v.timeline.map((t) => ({ status: t.status, message: t.message, at: iso(t.at) })),
          };
        }),
      );
    },
    async erase(trx, userId) {
      const ids = await repo.eraseCustomerOrders(trx, userId, () => randomBytes(16));
      for (const id of ids) await event(trx, id, { actor: { type: 'customer', id: userId } }, 'personal_data.erased', 'The account was deleted: the name, e-mail and addresses were removed; the order is kept as tax law requires.');
    },
  };

  return {
    place,
    paymentEvents,
    async listForCustomer(customerId, page) {
      const { rows, total } = await repo.listOrders(db, { customerId, limit: page.limit, offset: page.offset });
      return { items: await Promise.all(rows.map(listRow)), total };
    },
    async getForCustomer(customerId, idOrNumber) {
      const row = uuidShape.test(idOrNumber) ? await repo.findOrder(db, idOrNumber) : numberShape.test(idOrNumber) ? await repo.findOrderByNumber(db, idOrNumber.toUpperCase()) : undefined;
      if (row === undefined || row.customer_id !== customerId) throw orderNotFound();
      return customerView(row);
    },
    async getByLink(number, token) {
      const row = numberShape.test(number) ? await repo.findOrderByNumber(db, number.toUpperCase()) : undefined;
      if (row === undefined || !(await links.verify(row.id, row.link_nonce, token))) throw orderNotFound();
      return customerView(row);
    },
    async summary(orderId) {
      const row = await findOrThrow(orderId);
      return toSummary(row, await emailOf(row));
    },
    async guestPathOf(orderId) {
      const row = await findOrThrow(orderId);
      return guestPath(row.number, await links.token(row.id, row.link_nonce));
    },
    list,
    detail: (orderId) => (uuidShape.test(orderId) ? detailOf(orderId) : Promise.reject(orderNotFound())),
    fulfil,
    markDelivered,
    cancel,
    refund,
    resendMail,
    stats,
    expireHold,
    reconcile,
    registerJobs(outbox) {
      outbox.handle<{ orderId: string }>(holdExpiryJob, async (payload, context: JobContext) => expireHold(payload.orderId, context.attempt));
      outbox.every(reconcileJob, reconcileMs, async () => {
        const found = await reconcile();
        if (found.reported.length > 0 || found.repaired.length > 0) log.info({ repaired: found.repaired.length, reported: found.reported.length }, 'order reconciliation');
      });
    },
    personalData,
  };
}

/** Trimmed text of at most `max` characters, or null; ORDER_INVALID otherwise. */
function tidyText(value: string | null | undefined, max: number, label: string): string | null {
  if (value === undefined || value === null) return null;
  const t = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  if (t === '') return null;
  if ([...t].length > max || /\p{Cc}/u.test(t)) throw orderInvalid(`The ${label} must be ${max} characters or fewer, on one line.`);
  return t;
}
