/**
 * What the checkout uses of the cart, pricing, orders and payments modules, named by what it uses: each a
 * part of that module's service as its index.ts exports it. app.ts passes the real services.
 */
import type { CartService } from '../cart/index.js';
import type { OrdersService, OrderView } from '../orders/index.js';
import type { PaymentsService } from '../payments/index.js';
import type { PricingService } from '../pricing/index.js';

export type { OrderStatus, OrderSummary } from '../orders/index.js';
export type { PaymentAction, PaymentProvider, PaymentView } from '../payments/index.js';
export type { Quote, QuotedLine, ShippingOption } from '../pricing/index.js';

export type CheckoutCart = Pick<CartService, 'cartOf' | 'holds'>;
export type CheckoutPricing = Pick<PricingService, 'quote'>;
export type CheckoutPayments = Pick<PaymentsService, 'start' | 'refresh' | 'forOrder' | 'pagePath'>;
export type CheckoutOrders = Pick<OrdersService, 'place' | 'getByLink' | 'guestPathOf'>;
/** An order as the completion page shows it. */
export type CompletedOrder = OrderView;
