import type { PaymentProvider } from '../../adapters/payments/payment-settings.js';
import type { PostalAddressFields } from '../../kernel/address.js';
import type { Money } from '../../kernel/money.js';
import type { Actor } from '../../kernel/request-context.js';

/** Where an order is in its life; `orders.state-machine.ts` says which step may follow which. */
export type OrderStatus = 'pending_payment' | 'paid' | 'partially_fulfilled' | 'fulfilled' | 'delivered' | 'cancelled' | 'partially_refunded' | 'refunded';

export const orderStatuses: readonly OrderStatus[] = ['pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'delivered', 'cancelled', 'partially_refunded', 'refunded'];

/** What the checkout hands to `place`: never a price, a total or a tax (the server quotes them itself). */
export interface PlaceOrderInput {
  /** The client's key for this attempt: the same key returns the same order, never a second one. */
  idempotencyKey: string;
  cartId: string;
  customerId?: string | undefined;
  email: string;
  shippingAddress: PostalAddressFields;
  billingAddress?: PostalAddressFields | undefined;
  shippingMethodId: string;
  discountCode?: string | undefined;
  provider: PaymentProvider;
}

export interface OrderSummary {
  id: string;
  number: string;
  status: OrderStatus;
  total: Money;
  /** '' once the order's personal fields were erased. */
  email: string;
  createdAt: Date;
}

export interface PlacedOrder {
  order: OrderSummary;
  /** False when the idempotency key had placed this order already. */
  created: boolean;
  /** The guest link's path (with its token), for the confirmation page and the mail. */
  guestPath: string;
}

export interface OrderLineView {
  id: string;
  variantId: string;
  productId: string;
  productName: string;
  variantTitle: string;
  sku: string;
  unitPrice: Money;
  quantity: number;
  subtotal: Money;
  discount: Money;
  tax: Money;
  total: Money;
  fulfilledQuantity: number;
}

export interface OrderTotals {
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
  refunded: Money;
  taxInclusive: boolean;
}

export interface OrderEventView {
  id: string;
  type: string;
  fromStatus: OrderStatus | null;
  toStatus: OrderStatus | null;
  actor: { type: string; id: string | null };
  message: string;
  data: Record<string, unknown> | null;
  createdAt: Date;
}

export interface FulfilmentView {
  id: string;
  carrier: string | null;
  trackingNumber: string | null;
  createdAt: Date;
  lines: { orderLineId: string; quantity: number }[];
}

/** An order as its customer sees it (their own, or through the guest link). */
export interface OrderView extends OrderSummary {
  customerId: string | null;
  totals: OrderTotals;
  shippingMethod: { id: string; name: string } | null;
  discountCode: string | null;
  provider: string;
  lines: OrderLineView[];
  shippingAddress: PostalAddressFields | null;
  billingAddress: PostalAddressFields | null;
  fulfilments: FulfilmentView[];
  /** The customer-facing timeline: status changes and shipments, no internal notes. */
  timeline: { status: OrderStatus | null; message: string; at: Date }[];
  holdExpiresAt: Date;
  erased: boolean;
}

/** A payment as the orders module shows it (the payments module's PaymentView). */
export interface OrderPaymentView {
  id: string;
  orderId: string;
  provider: string;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';
  amount: Money;
  captured: Money;
  refunded: Money;
  providerReference: string | null;
  createdAt: Date;
}

/** An order as staff see it: everything, with its payments and full history. */
export interface OrderDetail extends OrderView {
  payments: OrderPaymentView[];
  events: OrderEventView[];
  cancelRequested: boolean;
  cancelReason: string | null;
}

export interface OrderListFilter {
  status?: OrderStatus | 'to_fulfil' | undefined;
  /** Inclusive start and exclusive end of `createdAt`. */
  from?: Date | undefined;
  to?: Date | undefined;
  /** An order number (B10001, or 10001) or an exact e-mail address. */
  q?: string | undefined;
  limit: number;
  offset: number;
}

export interface OrderListRow extends OrderSummary {
  itemCount: number;
  customerId: string | null;
}

export interface OrderList {
  items: OrderListRow[];
  total: number;
  /** Orders per status, for the list's tabs. */
  counts: Record<OrderStatus, number>;
}

/** Who does a staff action, for the audit trail and the order's history. */
export interface StaffAction {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

export interface FulfilInput {
  /** Absent: every unfulfilled unit. */
  lines?: { orderLineId: string; quantity: number }[] | undefined;
  carrier?: string | null | undefined;
  trackingNumber?: string | null | undefined;
}

export type ResendableMail = 'confirmation' | 'shipping' | 'refund';

export interface OrderStats {
  currency: string;
  salesToday: Money;
  salesThisWeek: Money;
  ordersToday: number;
  toFulfil: number;
  /** One point per day, oldest first, `days` long, ending today (the shop's days in UTC). */
  daily: { date: string; sales: Money; orders: number }[];
}
