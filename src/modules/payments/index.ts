/**
 * The payments module's public face: the payment port's rules over the test gateway, Stripe and PayPal.
 *
 *   const payments = createPaymentsService({ db, settings: config.paymentGateways, events, audit, outbox, ... });
 *   const { paymentId, action } = await payments.start({ orderId, orderNumber, amount, provider, returnUrl, cancelUrl, idempotencyKey });
 *   // action: { type: 'redirect', url } (test gateway page, PayPal approval) or { type: 'stripe', clientSecret, publishableKey }
 *   await payments.refresh(paymentId);            // on the shopper's return: the gateway's word, never the browser's
 *   await payments.refund({ orderId, amount, reason, actor });   // PAYMENT_REFUND_EXCEEDS_CAPTURED (409) past the captured total
 *   await payments.cancel(orderId);               // order cancelled or its hold expired
 *
 * `PaymentEvents` (given by app.ts, implemented by the orders module) hears each success, failure and
 * refund exactly once, inside the transaction that records it. `paymentsPlugin` serves
 * `POST /webhooks/:provider`, the test gateway's card and 3-D Secure pages and Stripe's payment page.
 */
export { paymentPagePaths, paymentsPlugin, type PaymentsPluginOptions } from './payments.routes.js';
export { createPaymentsService, reconcileJob, testWebhookJob, type Payments, type PaymentsDeps } from './payments.setup.js';
export type {
  ActorContext,
  PaymentAction,
  PaymentEvents,
  PaymentProvider,
  PaymentsService,
  PaymentStats,
  PaymentView,
  PaymentViewStatus,
  ReconcileReport,
  RefundView,
  StartPaymentInput,
} from './payments.types.js';
export { testCards } from '../../adapters/payments/test-gateway.js';
