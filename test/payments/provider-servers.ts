import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A loopback HTTP server answering with `route`; closed by `close()`. */
async function serve(route: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<{ url: string; close(): Promise<void>; server: Server }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => route(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const json = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_${randomBytes(6).toString('hex')}` });
  res.end(JSON.stringify(body));
};

export interface FakeIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  last_payment_error: { code: string; decline_code?: string } | null;
  cancellation_reason: string | null;
  metadata: Record<string, string>;
}

/**
 * A Stripe-shaped API on loopback answering the calls the adapter makes: create, retrieve and cancel a
 * PaymentIntent (form-encoded bodies, Idempotency-Key honoured) and create a refund. `intents` is its
 * state; a test moves an intent as Stripe would after the shopper pays in the Payment Element.
 */
export async function startStripeServer() {
  const intents = new Map<string, FakeIntent>();
  const byKey = new Map<string, unknown>();
  const requests: { method: string; path: string; form: URLSearchParams; authorization: string | undefined }[] = [];
  const refunds: { id: string; payment_intent: string; amount: number }[] = [];
  const state = { outage: false };
  const server = await serve((req, raw, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const form = new URLSearchParams(raw);
    requests.push({ method: req.method!, path, form, authorization: req.headers.authorization });
    if (state.outage) return json(res, 503, { error: { type: 'api_error', message: 'Service unavailable' } });
    if (req.headers.authorization !== 'Bearer sk_test_loopback0000') return json(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key provided' } });
    const key = req.headers['idempotency-key'] as string | undefined;
    if (key !== undefined && byKey.has(key)) return json(res, 200, byKey.get(key));
    const answer = (status: number, body: unknown) => {
      if (key !== undefined && status === 200) byKey.set(key, body);
      json(res, status, body);
    };
    const notFound = () => answer(404, { error: { type: 'invalid_request_error', code: 'resource_missing', message: 'No such payment_intent' } });
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      const id = `pi_${randomBytes(8).toString('hex')}`;
      const metadata: Record<string, string> = {};
      for (const [k, v] of form) {
        const mk = /^metadata\[(.+)\]$/.exec(k);
        if (mk) metadata[mk[1]!] = v;
      }
      const intent: FakeIntent = {
        id, object: 'payment_intent', amount: Number(form.get('amount')), amount_received: 0, currency: form.get('currency')!, status: 'requires_payment_method',
        client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`, last_payment_error: null, cancellation_reason: null, metadata,
      };
      intents.set(id, intent);
      return answer(200, intent);
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const intent = intents.get(m[1]!);
      return intent ? answer(200, intent) : notFound();
    }
    if ((m = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path)) && req.method === 'POST') {
      const intent = intents.get(m[1]!);
      if (!intent) return notFound();
      if (intent.status === 'succeeded') return answer(400, { error: { type: 'invalid_request_error', code: 'payment_intent_unexpected_state', message: 'cannot cancel' } });
      intent.status = 'canceled';
      intent.cancellation_reason = 'requested_by_customer';
      return answer(200, intent);
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(form.get('payment_intent') ?? '');
      if (!intent || intent.status !== 'succeeded') return answer(400, { error: { type: 'invalid_request_error', code: 'charge_not_captured' } });
      const refund = { id: `re_${randomBytes(8).toString('hex')}`, object: 'refund', payment_intent: intent.id, amount: Number(form.get('amount')), status: 'succeeded', currency: intent.currency };
      refunds.push(refund);
      return answer(200, refund);
    }
    answer(404, { error: { type: 'invalid_request_error', message: `Unrecognized request URL (${req.method} ${path})` } });
  });
  return { ...server, intents, requests, refunds, state };
}

export interface FakeOrder {
  id: string;
  status: string;
  amount: { currency_code: string; value: string };
  /** What a capture takes (a test sets another amount to act a tampered or partial capture). */
  captureAmount?: { currency_code: string; value: string };
  captures: { id: string; status: string; amount: { currency_code: string; value: string } }[];
}

/** PayPal's webhook signature as this fake checks it: an HMAC over the transmission fields and the event's digest. */
export function paypalSignature(key: string, t: { id: string; time: string; webhookId: string }, event: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(event)).digest('hex');
  return createHmac('sha256', key).update(`${t.id}|${t.time}|${t.webhookId}|${digest}`).digest('base64');
}

/**
 * A PayPal-shaped REST API on loopback: OAuth client credentials, Orders v2 create / get / capture
 * (PayPal-Request-Id honoured), capture refunds, and verify-webhook-signature against `signingKey`.
 */
export async function startPayPalServer(credentials: { clientId: string; clientSecret: string; webhookId: string }) {
  const signingKey = randomBytes(16).toString('hex');
  const orders = new Map<string, FakeOrder>();
  const byRequestId = new Map<string, unknown>();
  const calls: { method: string; path: string; body: unknown }[] = [];
  const token = `A21AA${randomBytes(12).toString('hex')}`;
  const view = (o: FakeOrder) => ({
    id: o.id,
    status: o.status,
    links: [{ rel: 'payer-action', href: `https://www.sandbox.paypal.com/checkoutnow?token=${o.id}`, method: 'GET' }],
    purchase_units: [{ amount: o.amount, payments: o.captures.length > 0 ? { captures: o.captures } : undefined }],
  });
  const server = await serve((req, raw, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const body: unknown = raw && req.headers['content-type']?.includes('json') ? JSON.parse(raw) : raw;
    calls.push({ method: req.method!, path, body });
    if (path === '/v1/oauth2/token') {
      const expected = `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64')}`;
      if (req.headers.authorization !== expected) return json(res, 401, { error: 'invalid_client' });
      return json(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 32_400 });
    }
    if (req.headers.authorization !== `Bearer ${token}`) return json(res, 401, { name: 'AUTHENTICATION_FAILURE' });
    const requestId = req.headers['paypal-request-id'] as string | undefined;
    if (requestId !== undefined && byRequestId.has(requestId)) return json(res, 201, byRequestId.get(requestId));
    const answer = (status: number, b: unknown) => {
      if (requestId !== undefined && status < 300) byRequestId.set(requestId, b);
      json(res, status, b);
    };
    let m: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v2/checkout/orders') {
      const unit = (body as { purchase_units: { amount: { currency_code: string; value: string } }[] }).purchase_units[0]!;
      const order: FakeOrder = { id: randomBytes(8).toString('hex').toUpperCase(), status: 'PAYER_ACTION_REQUIRED', amount: unit.amount, captures: [] };
      orders.set(order.id, order);
      return answer(200, view(order));
    }
    if ((m = /^\/v2\/checkout\/orders\/([^/]+)$/.exec(path)) && req.method === 'GET') {
      const order = orders.get(m[1]!);
      return order ? answer(200, view(order)) : answer(404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
    }
    if ((m = /^\/v2\/checkout\/orders\/([^/]+)\/capture$/.exec(path)) && req.method === 'POST') {
      const order = orders.get(m[1]!);
      if (!order) return answer(404, { name: 'RESOURCE_NOT_FOUND', details: [{ issue: 'INVALID_RESOURCE_ID' }] });
      if (order.status !== 'APPROVED') return answer(422, { name: 'UNPROCESSABLE_ENTITY', details: [{ issue: 'ORDER_NOT_APPROVED' }] });
      order.status = 'COMPLETED';
      order.captures.push({ id: `CAP${randomBytes(6).toString('hex').toUpperCase()}`, status: 'COMPLETED', amount: order.captureAmount ?? order.amount });
      return answer(201, view(order));
    }
    if ((m = /^\/v2\/payments\/captures\/([^/]+)\/refund$/.exec(path)) && req.method === 'POST') {
      return answer(201, { id: `REF${randomBytes(6).toString('hex').toUpperCase()}`, status: 'COMPLETED', amount: (body as { amount: unknown }).amount });
    }
    if (req.method === 'POST' && path === '/v1/notifications/verify-webhook-signature') {
      const v = body as { transmission_id: string; transmission_time: string; transmission_sig: string; webhook_id: string; webhook_event: unknown };
      const expected = paypalSignature(signingKey, { id: v.transmission_id, time: v.transmission_time, webhookId: v.webhook_id }, v.webhook_event);
      return answer(200, { verification_status: v.webhook_id === credentials.webhookId && v.transmission_sig === expected ? 'SUCCESS' : 'FAILURE' });
    }
    answer(404, { name: 'NOT_FOUND' });
  });
  return { ...server, orders, calls, signingKey };
}
