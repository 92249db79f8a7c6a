import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../kernel/errors.js';
import type { Money } from '../../kernel/money.js';
import {
  gatewayRejected,
  headerValue,
  notCancellable,
  parseSignatureHeader,
  webhookSignatureInvalid,
  type GatewayEvent,
  type GatewayPayment,
  type PaymentGateway,
} from './payment-gateway.js';

/**
 * The built-in test gateway (PAYMENTS=test): a hosted card page served by Bastion itself
 * (`/pay/test/:token`), test card numbers with fixed outcomes, and signed webhooks posted to the app's own
 * `/webhooks/test` through the outbox, so a laptop runs the same asynchronous path as production.
 * Its state is its own (the `test_gateway_payment` table, behind `TestGatewayStore`), never the payment
 * module's: the module learns outcomes only from webhooks and retrievals, as it would from Stripe.
 */

/** The documented test cards (docs/payments.md and the card page list them). */
export const testCards = [
  { number: '4242 4242 4242 4242', outcome: 'success', label: 'Payment succeeds' },
  { number: '4000 0000 0000 0002', outcome: 'declined', label: 'Card declined' },
  { number: '4000 0000 0000 9995', outcome: 'insufficient_funds', label: 'Declined: insufficient funds' },
  { number: '4000 0027 6000 3184', outcome: 'challenge', label: '3-D Secure challenge, then succeeds or fails' },
] as const;

export type TestCardOutcome = (typeof testCards)[number]['outcome'];

export type TestPaymentStatus = 'requires_payment' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';

export interface TestGatewayPayment {
  reference: string;
  token: string;
  idempotencyKey: string;
  amount: Money;
  orderNumber: string;
  returnUrl: string;
  cancelUrl: string;
  status: TestPaymentStatus;
  reason: string | null;
  refunded: number;
  cardLast4: string | null;
  createdAt: Date;
}

/** A webhook to deliver: its event id and the JSON body, signed only when it is sent (so its timestamp is fresh). */
export interface TestWebhook {
  id: string;
  body: string;
}

/**
 * Where the test gateway keeps its state (implemented by the payments module's repository, which owns
 * the SQL). `transition` changes a payment and writes its webhook to the outbox in one transaction.
 */
export interface TestGatewayStore {
  /** Inserts, or returns the payment already created with this idempotency key. */
  insert(payment: Omit<TestGatewayPayment, 'createdAt' | 'refunded' | 'cardLast4' | 'reason' | 'status'>): Promise<TestGatewayPayment>;
  findByReference(reference: string): Promise<TestGatewayPayment | undefined>;
  findByToken(token: string): Promise<TestGatewayPayment | undefined>;
  /** Moves the payment from one of `from` to `change.status`, writing `webhook`; false when it was in no state of `from`. */
  /** Moves the payment if it is in a `from` state; returns it as moved, or undefined when it was not. */
  transition(reference: string, from: readonly TestPaymentStatus[], change: { status: TestPaymentStatus; reason: string | null; cardLast4?: string }, webhook: TestWebhook | undefined): Promise<TestGatewayPayment | undefined>;
  /** Adds a refund (idempotent on key) when the refunded total stays within the amount; false when it would not. */
  refund(reference: string, amount: number, idempotencyKey: string): Promise<{ refundReference: string } | false>;
  /** The webhook signing secret generated once for this shop (used when TEST_GATEWAY_WEBHOOK_SECRET is unset). */
  generatedSecret(): Promise<string>;
}

export interface TestCardInput {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
}

/** A card form refused field by field; the page shows each message at its field. */
export class TestCardInvalidError extends AppError {
  constructor(readonly fields: { field: keyof TestCardInput; message: string }[]) {
    super('PAYMENT_TEST_CARD_INVALID', 'invalid_data', fields[0]?.message ?? 'Check the card details.', { fields: fields.map((f) => f.field) });
    this.name = 'TestCardInvalidError';
  }
}

export const testPaymentNotFound = (): AppError => new AppError('PAYMENT_TEST_PAGE_NOT_FOUND', 'not_found', 'There is no payment at this address.');
export const testPaymentClosed = (): AppError => new AppError('PAYMENT_TEST_PAGE_CLOSED', 'conflict', 'This payment is finished; go back to the shop.');

export interface TestGateway extends PaymentGateway {
  readonly provider: 'test';
  /** The payment shown on the card page, by its unguessable token. */
  page(token: string): Promise<TestGatewayPayment>;
  /**
   * Pays with a test card the payment `page` opened: the outcome of that card (a challenge leaves it
   * requiring action). TEST_PAYMENT_CLOSED when it moved on meanwhile.
   */
  pay(payment: TestGatewayPayment, card: TestCardInput): Promise<TestGatewayPayment>;
  /** The 3-D Secure challenge's answer, for the payment `page` opened. */
  challenge(payment: TestGatewayPayment, answer: 'complete' | 'fail'): Promise<TestGatewayPayment>;
  /** Signs a webhook body as the gateway does when it sends it (the outbox job calls this). */
  sign(body: string, now: Date): Promise<string>;
}

export const testSignatureHeader = 'bastion-test-signature';

/** `t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>`: Stripe's scheme with the test gateway's own secret. */
export function signTestWebhook(secret: string, body: string, now: Date): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')}`;
}

const digitsOf = (s: string) => s.replace(/[\s-]/g, '');

export function createTestGateway(deps: {
  store: TestGatewayStore;
  /** TEST_GATEWAY_WEBHOOK_SECRET when set. */
  webhookSecret: string | undefined;
  toleranceSeconds: number;
  now: () => Date;
}): TestGateway {
  const { store } = deps;
  let secret: Promise<string> | undefined;
  const secretOf = (): Promise<string> => (secret ??= deps.webhookSecret !== undefined ? Promise.resolve(deps.webhookSecret) : store.generatedSecret());
  const pagePath = (token: string) => `/pay/test/${token}`;

  const webhookFor = (p: TestGatewayPayment, type: string, reason: string | null): TestWebhook => {
    const id = `evt_test_${randomBytes(12).toString('hex')}`;
    const body = JSON.stringify({
      id,
      type,
      created: Math.floor(deps.now().getTime() / 1000),
      data: { reference: p.reference, amount: p.amount.amount, currency: p.amount.currency, ...(reason ? { reason } : {}) },
    });
    return { id, body };
  };

  const open = async (token: string): Promise<TestGatewayPayment> => {
    const p = /^[A-Za-z0-9_-]{43}$/.test(token) ? await store.findByToken(token) : undefined;
    if (p === undefined) throw testPaymentNotFound();
    return p;
  };

  const move = async (p: TestGatewayPayment, from: readonly TestPaymentStatus[], status: TestPaymentStatus, reason: string | null, cardLast4?: string): Promise<TestGatewayPayment> => {
    const type = status === 'succeeded' ? 'payment.succeeded' : status === 'failed' ? 'payment.failed' : status === 'requires_action' ? 'payment.requires_action' : 'payment.cancelled';
    const moved = await store.transition(p.reference, from, { status, reason, ...(cardLast4 ? { cardLast4 } : {}) }, webhookFor(p, type, reason));
    if (moved === undefined) throw testPaymentClosed();
    return moved;
  };

  return {
    provider: 'test',

    async create(input) {
      const p = await store.insert({
        reference: `tp_${randomBytes(12).toString('hex')}`,
        token: randomBytes(32).toString('base64url'),
        idempotencyKey: input.idempotencyKey,
        amount: input.amount,
        orderNumber: input.orderNumber,
        returnUrl: input.returnUrl,
        cancelUrl: input.cancelUrl,
      });
      return { reference: p.reference, action: { type: 'redirect', url: pagePath(p.token) } };
    },

    async actionFor(reference) {
      const p = await store.findByReference(reference);
      if (p === undefined) throw gatewayRejected('test', 'unknown_payment');
      return { type: 'redirect', url: pagePath(p.token) };
    },

    async retrieve(reference): Promise<GatewayPayment> {
      const p = await store.findByReference(reference);
      if (p === undefined) throw gatewayRejected('test', 'unknown_payment');
      const status = p.status === 'requires_payment' ? 'pending' : p.status;
      return { reference, status, ...(p.status === 'succeeded' ? { received: p.amount } : {}), ...(p.reason ? { reason: p.reason } : {}) };
    },

    async refund(input) {
      const p = await store.findByReference(input.reference);
      if (p === undefined) throw gatewayRejected('test', 'unknown_payment');
      if (p.status !== 'succeeded') throw gatewayRejected('test', 'payment_not_captured');
      if (input.amount.currency !== p.amount.currency || input.amount.amount <= 0) throw gatewayRejected('test', 'invalid_amount');
      const done = await store.refund(input.reference, input.amount.amount, input.idempotencyKey);
      if (done === false) throw gatewayRejected('test', 'amount_too_large');
      return done;
    },

    async cancel(reference) {
      const p = await store.findByReference(reference);
      if (p === undefined) throw gatewayRejected('test', 'unknown_payment');
      if (p.status === 'cancelled') return;
      if (p.status === 'succeeded') throw notCancellable('test');
      if (p.status === 'failed') return;
      const moved = await store.transition(reference, ['requires_payment', 'requires_action'], { status: 'cancelled', reason: 'cancelled' }, undefined);
      if (moved === undefined) {
        const now = await store.findByReference(reference);
        if (now?.status === 'succeeded') throw notCancellable('test');
      }
    },

    async verifyWebhook(rawBody, headers, now): Promise<GatewayEvent> {
      const header = headerValue(headers, testSignatureHeader);
      if (header === undefined) throw webhookSignatureInvalid('test', 'no signature header');
      const parsed = parseSignatureHeader(header);
      if (parsed === undefined) throw webhookSignatureInvalid('test', 'the signature header is malformed');
      const expected = createHmac('sha256', await secretOf()).update(`${parsed.timestamp}.`).update(rawBody).digest();
      const matches = parsed.signatures.some((s) => {
        const given = Buffer.from(s, 'hex');
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!matches) throw webhookSignatureInvalid('test', 'no signature matches');
      // Checked after the signature, so the timestamp is the signer's: a captured webhook replayed later is refused.
      if (Math.abs(now.getTime() / 1000 - parsed.timestamp) > deps.toleranceSeconds) throw webhookSignatureInvalid('test', 'its timestamp is outside the tolerance');
      let event: { id?: unknown; type?: unknown; data?: { reference?: unknown; amount?: unknown; currency?: unknown; reason?: unknown } };
      try {
        event = JSON.parse(rawBody.toString('utf8')) as typeof event;
      } catch {
        throw webhookSignatureInvalid('test', 'the body is not JSON');
      }
      if (typeof event.id !== 'string' || typeof event.type !== 'string') throw webhookSignatureInvalid('test', 'the event has no id or type');
      const data = event.data ?? {};
      const reference = typeof data.reference === 'string' ? data.reference : undefined;
      const reason = typeof data.reason === 'string' ? data.reason : undefined;
      const received =
        Number.isSafeInteger(data.amount) && typeof data.currency === 'string' ? { amount: data.amount as number, currency: data.currency } : undefined;
      const outcomes: Record<string, GatewayEvent['outcome']> = {
        'payment.succeeded': 'succeeded',
        'payment.failed': 'failed',
        'payment.requires_action': 'requires_action',
        'payment.cancelled': 'cancelled',
      };
      return { eventId: event.id, type: event.type, reference, outcome: outcomes[event.type] ?? 'ignored', ...(received ? { received } : {}), ...(reason ? { reason } : {}) };
    },

    page: open,

    async pay(p, card) {
      if (p.status !== 'requires_payment') throw testPaymentClosed();
      const number = digitsOf(card.number);
      const problems: { field: keyof TestCardInput; message: string }[] = [];
      const known = testCards.find((c) => digitsOf(c.number) === number);
      if (number === '') problems.push({ field: 'number', message: 'Enter the card number' });
      else if (known === undefined) problems.push({ field: 'number', message: 'Enter one of the test card numbers listed on this page' });
      const expiry = /^\s*(\d{1,2})\s*\/\s*(\d{2})\s*$/.exec(card.expiry);
      if (expiry === null) problems.push({ field: 'expiry', message: 'Enter the expiry date as MM / YY, for example 12 / 30' });
      else {
        const month = Number(expiry[1]);
        const year = 2000 + Number(expiry[2]);
        const today = deps.now();
        if (month < 1 || month > 12) problems.push({ field: 'expiry', message: 'The expiry month must be between 01 and 12' });
        else if (year < today.getUTCFullYear() || (year === today.getUTCFullYear() && month < today.getUTCMonth() + 1)) problems.push({ field: 'expiry', message: 'The card has expired' });
      }
      if (!/^\d{3,4}$/.test(card.cvc.trim())) problems.push({ field: 'cvc', message: 'Enter the 3 or 4 digit security code' });
      if (card.name.trim() === '') problems.push({ field: 'name', message: 'Enter the name on the card' });
      if (problems.length > 0 || known === undefined) throw new TestCardInvalidError(problems);
      const last4 = number.slice(-4);
      switch (known.outcome) {
        case 'success':
          return move(p, ['requires_payment'], 'succeeded', null, last4);
        case 'declined':
          return move(p, ['requires_payment'], 'failed', 'card_declined', last4);
        case 'insufficient_funds':
          return move(p, ['requires_payment'], 'failed', 'insufficient_funds', last4);
        case 'challenge':
          return move(p, ['requires_payment'], 'requires_action', null, last4);
      }
    },

    async challenge(p, answer) {
      if (p.status !== 'requires_action') throw testPaymentClosed();
      return answer === 'complete' ? move(p, ['requires_action'], 'succeeded', null) : move(p, ['requires_action'], 'failed', 'authentication_failed');
    },

    async sign(body, now) {
      return signTestWebhook(await secretOf(), body, now);
    },
  };
}
