/**
 * What the checkout needs of the cart, pricing, orders and payments modules, as the contracts between
 * them name it. Until those modules land, their shapes are restated here; each becomes a re-export from
 * the module's index.ts.
 */
import type { FastifyRequest } from 'fastify';
import type { PostalAddressFields } from '../../kernel/address.js';
import type { Money } from '../../kernel/money.js';
import type { PaymentProvider } from '../../adapters/payments/payment-settings.js';

export type { PaymentProvider };

export interface PriceLineInput { variantId: string; quantity: number }
export interface QuoteInput {
  lines: readonly PriceLineInput[];
  shipTo?: { country: string; region?: string | null };
  shippingMethodId?: string;
  discountCode?: string;
  customerId?: string;
  customerEmail?: string;
}
export type LineState = 'ok' | 'unknown' | 'archived' | 'sold_out' | 'insufficient_stock';
export interface QuotedLine {
  variantId: string; productId: string; productName: string; variantTitle: string; sku: string;
  productSlug: string; imageUrl?: string;
  unitPrice: Money; quantity: number; subtotal: Money; discount: Money; tax: Money; total: Money;
  weightGrams: number; state: LineState; available: number;
}
export interface ShippingOption { id: string; name: string; price: Money }
export interface Quote {
  currency: string; taxInclusive: boolean;
  lines: QuotedLine[];
  subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money;
  shippingMethod?: ShippingOption; shippingOptions: ShippingOption[];
  appliedDiscount?: { id: string; code: string };
  problems: { code: string; message: string; variantId?: string }[];
}
export interface CheckoutPricing {
  quote(input: QuoteInput): Promise<Quote>;
}

export interface CheckoutCart {
  cartOf(request: FastifyRequest): Promise<{ id: string; lines: { variantId: string; quantity: number }[] } | undefined>;
}

export type PaymentAction = { type: 'redirect'; url: string } | { type: 'stripe'; clientSecret: string; publishableKey: string };
export interface PaymentView {
  id: string; orderId: string; provider: PaymentProvider;
  status: 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';
  amount: Money; captured: Money; refunded: Money; providerReference: string | null; createdAt: Date;
}
export interface CheckoutPayments {
  start(input: { orderId: string; orderNumber: string; amount: Money; provider: PaymentProvider; returnUrl: string; cancelUrl: string; idempotencyKey: string }): Promise<{ paymentId: string; action: PaymentAction }>;
  refresh(paymentId: string): Promise<PaymentView>;
  forOrder(orderId: string): Promise<PaymentView[]>;
}

export type OrderStatus = 'pending_payment' | 'paid' | 'partially_fulfilled' | 'fulfilled' | 'delivered' | 'cancelled' | 'partially_refunded' | 'refunded';
export interface PlaceOrderInput {
  idempotencyKey: string; cartId: string; customerId?: string | undefined; email: string;
  shippingAddress: PostalAddressFields; billingAddress?: PostalAddressFields | undefined;
  shippingMethodId: string; discountCode?: string | undefined; provider: PaymentProvider;
}
export interface OrderSummary { id: string; number: string; status: OrderStatus; total: Money; email: string; createdAt: Date }

/** An order as the completion page shows it (what the orders module's OrderView has of it). */
export interface CompletedOrder extends OrderSummary {
  lines: { productName: string; variantTitle: string; quantity: number; total: Money }[];
  totals: { subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money; taxInclusive: boolean };
  shippingMethod: { id: string; name: string } | null;
}
export interface CheckoutOrders {
  place(input: PlaceOrderInput): Promise<{ order: OrderSummary; created: boolean; guestPath: string }>;
  /** The order behind a guest link (ORDER_NOT_FOUND for a wrong token, as for none). */
  getByLink(number: string, token: string): Promise<CompletedOrder>;
  /** The guest link's path of an order, with its token. */
  guestPathOf(orderId: string): Promise<string>;
}
