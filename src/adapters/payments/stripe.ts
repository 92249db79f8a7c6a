import Stripe from 'stripe';
import {
  gatewayRejected,
  gatewayUnavailable,
  headerValue,
  notCancellable,
  webhookSignatureInvalid,
  type GatewayEvent,
  type GatewayPayment,
  type GatewayStatus,
  type PaymentAction,
  type PaymentGateway,
} from './payment-gateway.js';
import type { StripeSettings } from './payment-settings.js';

/** Stripe.js and the Payment Element need these on the payment page (src/http/payment-origins.ts lists them). */
export const stripeJsUrl = 'https://js.stripe.com/v3/';

/** Stripe's PaymentIntent status in Bastion's words (automatic capture: `succeeded` means captured). */
function statusOf(intent: Stripe.PaymentIntent): GatewayStatus {
  switch (intent.status) {
    case 'succeeded':
      return 'succeeded';
    case 'canceled':
      return 'cancelled';
    case 'requires_action':
      return 'requires_action';
    case 'requires_payment_method':
      // A declined attempt leaves the intent open for another card: still pending until paid or cancelled.
      return 'pending';
    default:
      return 'pending';
  }
}

const received = (intent: Stripe.PaymentIntent) => ({ amount: intent.amount_received, currency: intent.currency.toUpperCase() });

/** Turns the SDK's errors into the port's: a card or request refused is a rejection, the rest "try again". */
function translate(err: unknown): Error {
  if (err instanceof Stripe.errors.StripeError) {
    if (err.type === 'StripeCardError' || err.type === 'StripeInvalidRequestError' || err.type === 'StripeIdempotencyError') {
      return gatewayRejected('stripe', err.code ?? err.type);
    }
    return gatewayUnavailable('stripe', err);
  }
  return gatewayUnavailable('stripe', err);
}

/**
 * PAYMENTS=stripe: PaymentIntents with automatic payment methods, confirmed in the browser by the
 * Payment Element (`/pay/stripe/:paymentId`); strong customer authentication is Stripe's. Webhooks are
 * checked with `stripe.webhooks.constructEvent` over the raw body, with our clock and tolerance.
 * STRIPE_API_BASE_URL points the SDK at another host (tests run a loopback Stripe-shaped server).
 */
export function createStripeGateway(deps: { settings: StripeSettings; toleranceSeconds: number }): PaymentGateway {
  const { settings } = deps;
  const base = settings.apiBaseUrl === undefined ? undefined : new URL(settings.apiBaseUrl);
  const stripe = new Stripe(settings.secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base ? { host: base.hostname, port: base.port || (base.protocol === 'https:' ? 443 : 80), protocol: base.protocol === 'https:' ? 'https' : 'http' } : {}),
  });
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (err) {
      throw translate(err);
    }
  };
  const actionOf = (intent: Stripe.PaymentIntent): PaymentAction => {
    if (intent.client_secret === null) throw gatewayRejected('stripe', 'no_client_secret');
    return { type: 'stripe', clientSecret: intent.client_secret, publishableKey: settings.publishableKey };
  };

  return {
    provider: 'stripe',

    async create(input) {
      const intent = await call(() =>
        stripe.paymentIntents.create(
          {
            amount: input.amount.amount,
            currency: input.amount.currency.toLowerCase(),
            automatic_payment_methods: { enabled: true },
            description: `Order ${input.orderNumber}`,
            metadata: { payment_id: input.paymentId, order_number: input.orderNumber },
          },
          { idempotencyKey: input.idempotencyKey },
        ),
      );
      return { reference: intent.id, action: actionOf(intent) };
    },

    async actionFor(reference) {
      return actionOf(await call(() => stripe.paymentIntents.retrieve(reference)));
    },

    async retrieve(reference): Promise<GatewayPayment> {
      const intent = await call(() => stripe.paymentIntents.retrieve(reference));
      const status = statusOf(intent);
      const reason = intent.last_payment_error?.decline_code ?? intent.last_payment_error?.code ?? intent.cancellation_reason ?? undefined;
      return { reference, status, ...(status === 'succeeded' ? { received: received(intent) } : {}), ...(reason ? { reason } : {}) };
    },

    async refund(input) {
      const refund = await call(() =>
        stripe.refunds.create({ payment_intent: input.reference, amount: input.amount.amount }, { idempotencyKey: input.idempotencyKey }),
      );
      if (refund.status === 'failed' || refund.status === 'canceled') throw gatewayRejected('stripe', refund.failure_reason ?? 'refund_failed');
      return { refundReference: refund.id };
    },

    async cancel(reference) {
      try {
        await stripe.paymentIntents.cancel(reference);
      } catch (err) {
        if (err instanceof Stripe.errors.StripeError && err.code === 'payment_intent_unexpected_state') {
          const intent = await call(() => stripe.paymentIntents.retrieve(reference));
          if (intent.status === 'canceled') return;
          if (intent.status === 'succeeded' || intent.status === 'processing') throw notCancellable('stripe');
        }
        throw translate(err);
      }
    },

    async verifyWebhook(rawBody, headers, now): Promise<GatewayEvent> {
      const signature = headerValue(headers, 'stripe-signature');
      if (signature === undefined) throw webhookSignatureInvalid('stripe', 'no Stripe-Signature header');
      let event: Stripe.Event;
      try {
        event = stripe.webhooks.constructEvent(rawBody, signature, settings.webhookSecret, deps.toleranceSeconds, undefined, now.getTime());
      } catch (err) {
        const why = err instanceof Error && /timestamp/i.test(err.message) ? 'its timestamp is outside the tolerance' : 'no signature matches';
        throw webhookSignatureInvalid('stripe', why);
      }
      const base = { eventId: event.id, type: event.type };
      switch (event.type) {
        case 'payment_intent.succeeded':
          return { ...base, reference: event.data.object.id, outcome: 'succeeded', received: received(event.data.object) };
        case 'payment_intent.payment_failed': {
          const error = event.data.object.last_payment_error;
          return { ...base, reference: event.data.object.id, outcome: 'attempt_failed', reason: error?.decline_code ?? error?.code ?? 'payment_failed' };
        }
        case 'payment_intent.requires_action':
          return { ...base, reference: event.data.object.id, outcome: 'requires_action' };
        case 'payment_intent.canceled':
          return { ...base, reference: event.data.object.id, outcome: 'cancelled' };
        default:
          return { ...base, reference: undefined, outcome: 'ignored' };
      }
    },
  };
}
