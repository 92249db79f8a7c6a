/**
 * What the orders module needs from its neighbours, named by what it uses. app.ts passes the real
 * services (pricing and cart, payments, inventory); their types fit these shapes, so this module compiles
 * without importing their internals, and a test may build the service with the real ones directly.
 */
import type { Transaction } from 'kysely';
import type { PaymentProvider } from '../../adapters/payments/payment-settings.js';
import type { Database } from '../../db/schema.js';
import type { Money } from '../../kernel/money.js';
import type { Actor } from '../../kernel/request-context.js';
import type { OrderPaymentView } from './orders.types.js';

type Trx = Transaction<Database>;

export type QuotedLineState = 'ok' | 'unknown' | 'archived' | 'sold_out' | 'insufficient_stock';

/** The quote fields an order keeps as its snapshot (the pricing module's Quote has these and more). */
export interface OrderQuote {
  currency: string;
  taxInclusive: boolean;
  lines: {
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
    state: QuotedLineState;
    /** Units that can still be sold, for a clear "only N left". */
    available?: number | undefined;
  }[];
  subtotal: Money;
  discount: Money;
  shipping: Money;
  tax: Money;
  total: Money;
  shippingMethod?: { id: string; name: string; price: Money } | undefined;
  appliedDiscount?: { id: string; code: string } | undefined;
  problems: { code: string; message: string; variantId?: string | undefined }[];
}

export interface OrderQuoteInput {
  lines: readonly { variantId: string; quantity: number }[];
  shipTo?: { country: string; region?: string | null };
  shippingMethodId?: string;
  discountCode?: string;
  customerId?: string;
  customerEmail?: string;
}

export interface OrderPricing {
  quote(input: OrderQuoteInput, db?: Trx): Promise<OrderQuote>;
  redeemDiscount(trx: Trx, r: { discountId: string; orderId: string; customerId?: string; customerEmail?: string }): Promise<void>;
  releaseDiscount(trx: Trx, orderId: string): Promise<void>;
}

export interface OrderCart {
  /** The cart's lines, read inside the order's transaction (the checkout names the cart by id). */
  linesOf(trx: Trx, cartId: string): Promise<{ variantId: string; quantity: number }[] | undefined>;
  markOrdered(trx: Trx, cartId: string, orderId: string): Promise<void>;
  /** Re-opens the cart an order came from after a failed payment: the shopper gets their lines back. */
  restoreFrom(trx: Trx, orderId: string): Promise<void>;
}

export interface OrderPayments {
  refresh(paymentId: string): Promise<OrderPaymentView>;
  forOrder(orderId: string): Promise<OrderPaymentView[]>;
  refund(input: { orderId: string; amount: Money; reason: string; actor: { actor: Actor; clientIp?: string | null; requestId?: string | null } }): Promise<{ refundId: string }>;
  cancel(orderId: string): Promise<void>;
}

/** The payments module's events, implemented here (`orders.paymentEvents`). */
export interface OrderPaymentEvents {
  succeeded(trx: Trx, e: { orderId: string; paymentId: string; amount: Money; provider: PaymentProvider }): Promise<void>;
  failed(trx: Trx, e: { orderId: string; paymentId: string; reason: string }): Promise<void>;
  /** `totalRefunded` and `captured` are over every payment of the order (a second, duplicate payment included). */
  refunded(trx: Trx, e: { orderId: string; refundId: string; amount: Money; totalRefunded: Money; captured: Money }): Promise<void>;
}

/** What orders report to metrics. */
export interface OrderMetrics {
  orderPlaced(currency: string): void;
  /** A fault reconciliation or a payment event found (e.g. `amount_mismatch`, `paid_without_payment`). */
  issue(kind: string): void;
}
