import {
  fromDecimalString,
  gatewayRejected,
  gatewayUnavailable,
  headerValue,
  toDecimalString,
  webhookSignatureInvalid,
  type GatewayEvent,
  type GatewayPayment,
  type PaymentGateway,
} from './payment-gateway.js';
import type { PayPalSettings } from './payment-settings.js';

/**
 * PAYMENTS=paypal: Orders v2 (create with intent CAPTURE, the shopper approves on PayPal, we capture
 * server-side), refunds of the capture, and webhooks checked with PayPal's verify-webhook-signature API.
 *
 * This speaks PayPal's REST API with fetch rather than @paypal/paypal-server-sdk: that SDK's base URL is
 * fixed to PayPal's two hosts (its getBaseUri answers only for its Production and Sandbox environments,
 * with no option for another host), so it cannot be pointed at a loopback server to be tested, and it has
 * no call for webhook signature verification. PAYPAL_API_BASE_URL points this adapter anywhere.
 */

interface PayPalMoney {
  currency_code: string;
  value: string;
}
interface PayPalCapture {
  id: string;
  status: string;
  amount?: PayPalMoney;
  status_details?: { reason?: string };
}
interface PayPalOrder {
  id: string;
  status: string;
  links?: { href: string; rel: string }[];
  purchase_units?: { payments?: { captures?: PayPalCapture[] } }[];
}

class PayPalHttpError extends Error {
  constructor(
    readonly status: number,
    readonly issue: string,
  ) {
    super(`PayPal answered ${status} ${issue}`);
    this.name = 'PayPalHttpError';
  }
}

export function createPayPalGateway(deps: { settings: PayPalSettings; toleranceSeconds: number; now: () => Date; fetch?: typeof fetch }): PaymentGateway {
  const { settings } = deps;
  const http = deps.fetch ?? fetch;
  let token: { value: string; expiresAt: number } | undefined;

  const accessToken = async (): Promise<string> => {
    if (token !== undefined && token.expiresAt > Date.now()) return token.value;
    const response = await http(`${settings.apiBaseUrl}/v1/oauth2/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(20_000),
    });
    if (!response.ok) throw new PayPalHttpError(response.status, 'oauth');
    const body = (await response.json()) as { access_token: string; expires_in: number };
    // Renewed a minute early so a call never carries a token that expires on the way.
    token = { value: body.access_token, expiresAt: Date.now() + Math.max(0, body.expires_in - 60) * 1000 };
    return token.value;
  };

  const api = async <T>(method: 'GET' | 'POST', path: string, body?: unknown, requestId?: string): Promise<T> => {
    try {
      const response = await http(`${settings.apiBaseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${await accessToken()}`,
          'content-type': 'application/json',
          prefer: 'return=representation',
          ...(requestId ? { 'paypal-request-id': requestId } : {}),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(20_000),
      });
      if (!response.ok) {
        const problem = (await response.json().catch(() => ({}))) as { name?: string; details?: { issue?: string }[] };
        throw new PayPalHttpError(response.status, problem.details?.[0]?.issue ?? problem.name ?? 'error');
      }
      return (await response.json()) as T;
    } catch (err) {
      if (err instanceof PayPalHttpError && err.status >= 400 && err.status < 500 && err.status !== 429 && err.issue !== 'oauth') throw gatewayRejected('paypal', err.issue);
      throw gatewayUnavailable('paypal', err);
    }
  };

  const approvalUrl = (order: PayPalOrder): string => {
    const link = order.links?.find((l) => l.rel === 'payer-action' || l.rel === 'approve');
    if (link === undefined) throw gatewayRejected('paypal', 'no_approval_link');
    return link.href;
  };

  const captureOf = (order: PayPalOrder): PayPalCapture | undefined => order.purchase_units?.[0]?.payments?.captures?.[0];

  const fromCapture = (reference: string, capture: PayPalCapture | undefined): GatewayPayment => {
    if (capture === undefined) return { reference, status: 'pending' };
    if (capture.status === 'COMPLETED') {
      const currency = capture.amount?.currency_code ?? '';
      const amount = capture.amount ? fromDecimalString(capture.amount.value, currency) : undefined;
      // An amount that does not parse is reported as received nothing, which the rules record as a mismatch.
      return { reference, status: 'succeeded', ...(amount !== undefined ? { received: { amount, currency } } : {}) };
    }
    if (capture.status === 'DECLINED' || capture.status === 'FAILED') return { reference, status: 'failed', reason: capture.status_details?.reason?.toLowerCase() ?? 'declined' };
    return { reference, status: 'pending' };
  };

  return {
    provider: 'paypal',

    async create(input) {
      const order = await api<PayPalOrder>(
        'POST',
        '/v2/checkout/orders',
        {
          intent: 'CAPTURE',
          purchase_units: [
            {
              reference_id: input.paymentId,
              custom_id: input.paymentId,
              invoice_id: input.orderNumber,
              amount: { currency_code: input.amount.currency, value: toDecimalString(input.amount) },
            },
          ],
          payment_source: {
            paypal: { experience_context: { return_url: input.returnUrl, cancel_url: input.cancelUrl, user_action: 'PAY_NOW', shipping_preference: 'NO_SHIPPING' } },
          },
        },
        input.idempotencyKey,
      );
      return { reference: order.id, action: { type: 'redirect', url: approvalUrl(order) } };
    },

    async actionFor(reference) {
      return { type: 'redirect', url: approvalUrl(await api<PayPalOrder>('GET', `/v2/checkout/orders/${encodeURIComponent(reference)}`)) };
    },

    async retrieve(reference) {
      const path = `/v2/checkout/orders/${encodeURIComponent(reference)}`;
      const order = await api<PayPalOrder>('GET', path);
      switch (order.status) {
        case 'APPROVED': {
          // Approved by the shopper, not yet paid: capture it here, never on the browser's word.
          const captured = await api<PayPalOrder>('POST', `${path}/capture`, {}, `capture:${reference}`);
          return fromCapture(reference, captureOf(captured));
        }
        case 'COMPLETED':
          return fromCapture(reference, captureOf(order));
        case 'VOIDED':
          return { reference, status: 'cancelled' };
        case 'PAYER_ACTION_REQUIRED':
          return { reference, status: 'requires_action' };
        default:
          return { reference, status: 'pending' };
      }
    },

    async refund(input) {
      const order = await api<PayPalOrder>('GET', `/v2/checkout/orders/${encodeURIComponent(input.reference)}`);
      const capture = captureOf(order);
      if (capture === undefined || order.status !== 'COMPLETED') throw gatewayRejected('paypal', 'not_captured');
      const refund = await api<{ id: string; status: string }>(
        'POST',
        `/v2/payments/captures/${encodeURIComponent(capture.id)}/refund`,
        { amount: { currency_code: input.amount.currency, value: toDecimalString(input.amount) } },
        input.idempotencyKey,
      );
      if (refund.status === 'CANCELLED' || refund.status === 'FAILED') throw gatewayRejected('paypal', refund.status.toLowerCase());
      return { refundReference: refund.id };
    },

    async cancel() {
      // An order not approved simply expires at PayPal (Orders v2 has no cancel call); one approved
      // meanwhile is not captured by us, so no money moves. The rules mark the payment cancelled.
    },

    async verifyWebhook(rawBody, headers, now): Promise<GatewayEvent> {
      const names = ['paypal-transmission-id', 'paypal-transmission-time', 'paypal-transmission-sig', 'paypal-cert-url', 'paypal-auth-algo'] as const;
      const values = Object.fromEntries(names.map((n) => [n, headerValue(headers, n)])) as Record<(typeof names)[number], string | undefined>;
      if (names.some((n) => values[n] === undefined)) throw webhookSignatureInvalid('paypal', 'PayPal transmission headers are missing');
      const sent = Date.parse(values['paypal-transmission-time']!);
      if (!Number.isFinite(sent) || Math.abs(now.getTime() - sent) > deps.toleranceSeconds * 1000) throw webhookSignatureInvalid('paypal', 'its timestamp is outside the tolerance');
      let event: { id?: unknown; event_type?: unknown; resource?: Record<string, unknown> };
      try {
        event = JSON.parse(rawBody.toString('utf8')) as typeof event;
      } catch {
        throw webhookSignatureInvalid('paypal', 'the body is not JSON');
      }
      let verification: { verification_status?: string };
      try {
        verification = await api('POST', '/v1/notifications/verify-webhook-signature', {
          auth_algo: values['paypal-auth-algo'],
          cert_url: values['paypal-cert-url'],
          transmission_id: values['paypal-transmission-id'],
          transmission_sig: values['paypal-transmission-sig'],
          transmission_time: values['paypal-transmission-time'],
          webhook_id: settings.webhookId,
          webhook_event: event,
        });
      } catch {
        throw webhookSignatureInvalid('paypal', 'PayPal did not verify it');
      }
      if (verification.verification_status !== 'SUCCESS') throw webhookSignatureInvalid('paypal', 'PayPal says the signature does not match');
      if (typeof event.id !== 'string' || typeof event.event_type !== 'string') throw webhookSignatureInvalid('paypal', 'the event has no id or type');
      const resource = event.resource ?? {};
      const base = { eventId: event.id, type: event.event_type };
      const orderIdOfCapture = (resource.supplementary_data as { related_ids?: { order_id?: string } } | undefined)?.related_ids?.order_id;
      switch (event.event_type) {
        case 'CHECKOUT.ORDER.APPROVED':
          return { ...base, reference: typeof resource.id === 'string' ? resource.id : undefined, outcome: 'approved' };
        case 'PAYMENT.CAPTURE.COMPLETED': {
          const r = fromCapture(orderIdOfCapture ?? '', resource as unknown as PayPalCapture);
          return { ...base, reference: orderIdOfCapture, outcome: r.status, ...(r.received ? { received: r.received } : {}) };
        }
        case 'PAYMENT.CAPTURE.DECLINED':
        case 'PAYMENT.CAPTURE.DENIED':
          return { ...base, reference: orderIdOfCapture, outcome: 'failed', reason: 'declined' };
        default:
          return { ...base, reference: undefined, outcome: 'ignored' };
      }
    },
  };
}
