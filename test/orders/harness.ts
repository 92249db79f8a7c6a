import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../../src/db/schema.js';
import type { PostalAddressFields } from '../../src/kernel/address.js';
import type { Money } from '../../src/kernel/money.js';
import {
  createOrdersService,
  type OrderCart,
  type OrderPayments,
  type OrderPaymentView,
  type OrderPricing,
  type OrderQuote,
  type OrdersService,
  type PlaceOrderInput,
} from '../../src/modules/orders/index.js';
import type { TestApp } from '../support/test-app.js';

type Trx = Transaction<Database>;

/**
 * Builds the orders service on a test app's real database, audit trail, outbox, encryption and
 * inventory, with pricing and cart as the catalog says (price from the variant, one flat delivery
 * method, no tax or discount) and payments recorded here, each applying its facts through the service's
 * own payment events exactly as the payments module does.
 */
export interface OrdersHarness {
  orders: OrdersService;
  /** Puts lines in a new cart and returns its id. */
  cart(lines: { variantId: string; quantity: number }[]): string;
  carts: Map<string, { lines: { variantId: string; quantity: number }[]; orderedAs?: string; restoredFrom?: string }>;
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

  const carts: OrdersHarness['carts'] = new Map();
  const cart: OrderCart = {
    async linesOf(_trx, cartId) {
      const c = carts.get(cartId);
      return c === undefined || c.orderedAs !== undefined ? undefined : c.lines;
    },
    async markOrdered(_trx: Trx, cartId, orderId) {
      carts.get(cartId)!.orderedAs = orderId;
    },
    async restoreFrom(_trx, r) {
      const c = carts.get(r.cartId)!;
      c.restoredFrom = r.orderId;
      c.lines = r.lines;
      delete c.orderedAs;
    },
  };

  const shipping = { id: 'standard', name: 'Standard delivery', price: { amount: 495, currency: 'GBP' } };
  const pricing: OrderPricing = {
    async quote(input, trx): Promise<OrderQuote> {
      const from = trx ?? db;
      const rows = await from
        .selectFrom('product_variant')
        .innerJoin('product', 'product.id', 'product_variant.product_id')
        .select(['product_variant.id', 'product_variant.product_id', 'product_variant.sku', 'product_variant.title', 'product_variant.price_amount', 'product_variant.currency', 'product.name', 'product.status'])
        .where(
          'product_variant.id',
          'in',
          input.lines.map((l) => l.variantId),
        )
        .execute();
      const lines = input.lines.map((l) => {
        const r = rows.find((x) => x.id === l.variantId);
        const unit = r?.price_amount ?? 0;
        const m = (amount: number): Money => ({ amount, currency: 'GBP' });
        return {
          variantId: l.variantId,
          productId: r?.product_id ?? l.variantId,
          productName: r?.name ?? '',
          variantTitle: r?.title ?? '',
          sku: r?.sku ?? '',
          unitPrice: m(unit),
          quantity: l.quantity,
          subtotal: m(unit * l.quantity),
          discount: m(0),
          tax: m(0),
          total: m(unit * l.quantity),
          state: r === undefined ? ('unknown' as const) : r.status === 'archived' ? ('archived' as const) : ('ok' as const),
        };
      });
      const subtotal = lines.reduce((s, l) => s + l.total.amount, 0);
      const method = input.shippingMethodId === shipping.id ? shipping : undefined;
      return {
        currency: 'GBP',
        taxInclusive: true,
        lines,
        subtotal: { amount: subtotal, currency: 'GBP' },
        discount: { amount: 0, currency: 'GBP' },
        shipping: method?.price ?? { amount: 0, currency: 'GBP' },
        tax: { amount: 0, currency: 'GBP' },
        total: { amount: subtotal + (method?.price.amount ?? 0), currency: 'GBP' },
        ...(method ? { shippingMethod: method } : {}),
        problems: input.discountCode === 'EXPIRED' ? [{ code: 'DISCOUNT_EXPIRED', message: 'The discount code EXPIRED has expired.' }] : [],
      };
    },
    async redeemDiscount() {},
    async releaseDiscount() {},
  };

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
    pricing,
    cart,
    payments: () => payments,
    brand: { shopName: t.config.shop.name, publicUrl: t.config.publicUrl },
    locale: t.config.shop.locale,
    shopCurrency: 'GBP',
    settings: { holdMinutes: options.holdMinutes ?? 30, reconcileMinutes: 15 },
    log: t.app.log,
    now: () => t.clock.now,
  });
  orders.registerJobs(t.outbox);

  return {
    orders,
    carts,
    payments,
    variants,
    cart(lines) {
      const id = randomUUID();
      carts.set(id, { lines });
      return id;
    },
    input(cartId, extra = {}) {
      return { idempotencyKey: `key-${randomUUID()}`, cartId, email: 'ada@example.com', shippingAddress: address, shippingMethodId: 'standard', provider: 'test', ...extra };
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
