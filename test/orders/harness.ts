import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { CartOwner } from '../../src/modules/cart/index.js';
import type { PostalAddressFields } from '../../src/kernel/address.js';
import type { Money } from '../../src/kernel/money.js';
import {
  createOrdersService,
  type OrderPayments,
  type OrderPaymentView,
  type OrdersService,
  type PlaceOrderInput,
} from '../../src/modules/orders/index.js';
import type { TestApp } from '../support/test-app.js';

/**
 * Builds the orders service on a test app's real database, audit trail, outbox, encryption, inventory,
 * pricing and cart (one flat GB delivery method set up, no tax rates), with payments recorded here, each
 * applying its facts through the service's own payment events exactly as the payments module does.
 */
export interface OrdersHarness {
  orders: OrdersService;
  /** Puts lines in a new guest cart (or the owner's) through the cart service and returns its id. */
  cart(lines: { variantId: string; quantity: number }[], owner?: CartOwner): Promise<string>;
  cartState(cartId: string): Promise<{ status: string; orderId: string | null; lines: { variantId: string; quantity: number }[] }>;
  setQuantity(cartId: string, variantId: string, quantity: number): Promise<void>;
  /** The flat GB delivery method the harness set up. */
  shippingMethodId: string;
  payments: FakePayments;
  input(cartId: string, extra?: Partial<PlaceOrderInput>): PlaceOrderInput;
  /** Variants with stock set to `onHand`, nothing reserved. */
  stockOf(variantId: string, onHand: number): Promise<void>;
  variants: { id: string; sku: string; price: number; name: string }[];
  /** Pays an order in full as a verified webhook would (`webhook: false`: the gateway took it, nothing told the app). */
  pay(orderId: string, amount?: Money, options?: { webhook: boolean }): Promise<string>;
}

export interface FakePayments extends OrderPayments {
  records: OrderPaymentView[];
  cancelled: string[];
  refundCalls: { orderId: string; amount: Money; reason: string }[];
  /** Payments the gateway took whose webhook never came (a crash): a retrieval applies them. */
  unapplied: Set<string>;
}

export const address: PostalAddressFields = {
  name: 'Ada Lovelace',
  line1: '12 St James Square',
  line2: null,
  city: 'London',
  region: null,
  postalCode: 'SW1Y 4JH',
  country: 'GB',
  phone: null,
};

export async function ordersHarness(t: TestApp, options: { holdMinutes?: number } = {}): Promise<OrdersHarness> {
  const db = t.database.db;
  const variants = (
    await db
      .selectFrom('product_variant')
      .innerJoin('product', 'product.id', 'product_variant.product_id')
      .select(['product_variant.id', 'product_variant.sku', 'product_variant.price_amount', 'product.name'])
      .where('product.status', '=', 'active')
      .orderBy('product_variant.sku')
      .limit(6)
      .execute()
  ).map((v) => ({ id: v.id, sku: v.sku, price: v.price_amount, name: v.name }));

  // One flat delivery method for GB, as staff would set it up; no tax rates (tax 0).
  const method = await db
    .insertInto('shipping_method')
    .values({ name: 'Standard delivery', countries: sql<string[]>`array['GB']`, currency: 'GBP', kind: 'flat', price_amount: 495 })
    .returning('id')
    .executeTakeFirstOrThrow();

  const owners = new Map<string, CartOwner>();
  const payments: FakePayments = {
    records: [],
    cancelled: [],
    refundCalls: [],
    unapplied: new Set(),
    async refresh(paymentId) {
      const record = payments.records.find((p) => p.id === paymentId)!;
      if (payments.unapplied.delete(paymentId)) {
        await db.transaction().execute((trx) => orders.paymentEvents.succeeded(trx, { orderId: record.orderId, paymentId, amount: record.amount, provider: 'test' }));
      }
      return record;
    },
    async forOrder(orderId) {
      return payments.records.filter((p) => p.orderId === orderId);
    },
    async refund(input) {
      payments.refundCalls.push({ orderId: input.orderId, amount: input.amount, reason: input.reason });
      const paid = payments.records.find((p) => p.orderId === input.orderId && p.status === 'succeeded');
      if (!paid || paid.refunded.amount + input.amount.amount > paid.captured.amount) {
        const { AppError } = await import('../../src/kernel/errors.js');
        throw new AppError('PAYMENT_REFUND_EXCEEDS_CAPTURED', 'conflict', 'more than captured');
      }
      paid.refunded = { ...paid.refunded, amount: paid.refunded.amount + input.amount.amount };
      const refundId = randomUUID();
      await db.transaction().execute((trx) =>
        orders.paymentEvents.refunded(trx, { orderId: input.orderId, refundId, amount: input.amount, totalRefunded: paid.refunded, captured: paid.captured }),
      );
      return { refundId };
    },
    async cancel(orderId) {
      payments.cancelled.push(orderId);
    },
  };

  // The payments above call the service's events once it exists (only ever after this line).
  const orders: OrdersService = createOrdersService({
    db,
    fieldEncryption: t.fieldEncryption,
    audit: t.audit,
    outbox: t.outbox,
    mail: t.mail,
    inventory: t.inventory,
    pricing: t.pricing,
    cart: t.cart,
    payments: () => payments,
    brand: { shopName: t.config.shop.name, publicUrl: t.config.publicUrl },
    locale: t.config.shop.locale,
    shopCurrency: 'GBP',
    settings: { holdMinutes: options.holdMinutes ?? 30, reconcileMinutes: 15, maxUnpaid: 100 },
    log: t.app.log,
    now: () => t.clock.now,
  });

  return {
    orders,
    payments,
    variants,
    shippingMethodId: method.id,
    async cart(lines, owner: CartOwner = {}) {
      let current = owner;
      for (const l of lines) {
        const { issuedToken } = await t.cart.add(current, l.variantId, l.quantity);
        if (issuedToken) current = { guestToken: issuedToken };
      }
      if (lines.length === 0) current = { guestToken: (await t.cart.add(current, variants[0]!.id, 1)).issuedToken! };
      const view = await t.cart.view(current);
      if (lines.length === 0) for (const l of view.lines) await t.cart.remove(current, l.lineId);
      owners.set(view.cartId!, current);
      return view.cartId!;
    },
    async cartState(cartId) {
      const row = await db.selectFrom('cart').select(['status', 'order_id']).where('id', '=', cartId).executeTakeFirstOrThrow();
      const lines = await db.selectFrom('cart_line').select(['variant_id', 'quantity']).where('cart_id', '=', cartId).orderBy('created_at').execute();
      return { status: row.status, orderId: row.order_id, lines: lines.map((l) => ({ variantId: l.variant_id, quantity: l.quantity })) };
    },
    async setQuantity(cartId, variantId, quantity) {
      const owner = owners.get(cartId)!;
      const line = (await t.cart.view(owner)).lines.find((l) => l.variantId === variantId)!;
      await t.cart.setQuantity(owner, line.lineId, quantity);
    },
    input(cartId, extra = {}) {
      return { idempotencyKey: `key-${randomUUID()}`, cartId, email: 'ada@example.com', shippingAddress: address, shippingMethodId: method.id, provider: 'test', ...extra };
    },
    async stockOf(variantId, onHand) {
      await db.transaction().execute(async (trx) => {
        const level = await t.inventory.level(variantId, trx);
        if (level.reserved > 0) await t.inventory.release(trx, [{ variantId, quantity: level.reserved }], 'test-reset');
        const delta = onHand - level.onHand;
        if (delta !== 0) await t.inventory.adjust(trx, { variantId, delta, reason: 'Test set-up', actor: 'test' });
      });
    },
    async pay(orderId, amount, options = { webhook: true }) {
      const summary = await orders.summary(orderId);
      const paid = amount ?? summary.total;
      const id = randomUUID();
      const record: OrderPaymentView = {
        id,
        orderId,
        provider: 'test',
        status: 'succeeded',
        amount: paid,
        captured: paid,
        refunded: { amount: 0, currency: paid.currency },
        providerReference: `test_${id}`,
        createdAt: t.clock.now,
      };
      payments.records.push(record);
      if (!options.webhook) {
        payments.unapplied.add(id);
        return id;
      }
      await db.transaction().execute((trx) => orders.paymentEvents.succeeded(trx, { orderId, paymentId: id, amount: paid, provider: 'test' }));
      return id;
    },
  };
}
