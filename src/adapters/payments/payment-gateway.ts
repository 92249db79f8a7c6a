import { AppError } from '../../kernel/errors.js';
import type { Money } from '../../kernel/money.js';
import { minorDigits } from '../../kernel/money-text.js';
import type { PaymentProvider } from './payment-settings.js';

export type { PaymentProvider } from './payment-settings.js';

/** What the shopper's browser does next to pay: go to a page (test gateway, PayPal) or mount Stripe's Payment Element. */
export type PaymentAction =
  | { type: 'redirect'; url: string }
  | { type: 'stripe'; clientSecret: string; publishableKey: string };

/** A payment's state as the gateway tells it, in Bastion's words. */
export type GatewayStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';

/** A server-side answer about one payment: what the gateway holds, never what a browser said. */
export interface GatewayPayment {
  reference: string;
  status: GatewayStatus;
  /** The amount the gateway says it took (present when succeeded): checked against the expected amount. */
  received?: Money;
  /** Why it failed, as a short code (`card_declined`, `insufficient_funds`). */
  reason?: string;
}

/**
 * A verified webhook, normalised. `outcome` says what it tells about the payment `reference`:
 * `approved` means the shopper approved and the payment still has to be captured server-side (PayPal);
 * `attempt_failed` means one attempt was declined and the payment stays open for another (Stripe's
 * Payment Element lets the shopper try another card on the same PaymentIntent); `ignored` is an event
 * this shop does not act on.
 */
export interface GatewayEvent {
  eventId: string;
  type: string;
  reference: string | undefined;
  outcome: GatewayStatus | 'approved' | 'attempt_failed' | 'ignored';
  received?: Money;
  reason?: string;
}

export interface CreateGatewayPayment {
  /** Bastion's payment id, kept by the gateway as metadata so its dashboard points back here. */
  paymentId: string;
  orderNumber: string;
  amount: Money;
  returnUrl: string;
  cancelUrl: string;
  /** The gateway's own idempotency key: a retried create returns the same payment. */
  idempotencyKey: string;
}

/**
 * The payment port: one implementation per provider (test-gateway.ts, stripe.ts, paypal.ts). Every
 * method is a call to the outside world, so none is ever made inside a database transaction. Vendor
 * errors come out as the domain errors below (codes PAYMENT_*), never as the vendor's own.
 */
export interface PaymentGateway {
  readonly provider: PaymentProvider;
  /** Creates the payment at the gateway (idempotent on `idempotencyKey`) and says what the browser does next. */
  create(input: CreateGatewayPayment): Promise<{ reference: string; action: PaymentAction }>;
  /** The next step again for a payment created earlier (a repeated start with the same key). */
  actionFor(reference: string, input: Pick<CreateGatewayPayment, 'returnUrl' | 'cancelUrl'>): Promise<PaymentAction>;
  /**
   * The payment's state from the gateway itself. Where the provider needs a server-side capture after the
   * shopper approved (PayPal), this captures it (idempotently) and answers with the capture's outcome.
   */
  retrieve(reference: string): Promise<GatewayPayment>;
  /** Refunds `amount` of a succeeded payment; idempotent on `idempotencyKey`. Returns the gateway's refund id. */
  refund(input: { reference: string; amount: Money; idempotencyKey: string }): Promise<{ refundReference: string }>;
  /** Cancels a payment not yet taken. Throws PAYMENT_NOT_CANCELLABLE when the gateway took it meanwhile. */
  cancel(reference: string): Promise<void>;
  /**
   * Checks a webhook's signature over its raw body (and its age against `now`), then normalises it.
   * Throws PAYMENT_WEBHOOK_SIGNATURE_INVALID when it was not signed by the provider, or is too old.
   */
  verifyWebhook(rawBody: Buffer, headers: Record<string, string | string[] | undefined>, now: Date): Promise<GatewayEvent>;
}

/** The gateway could not be reached, or answered with an error of its own: the shopper may try again. */
export const gatewayUnavailable = (provider: PaymentProvider, cause?: unknown): AppError => {
  const error = new AppError('PAYMENT_GATEWAY_UNAVAILABLE', 'unavailable', 'The payment provider did not answer. Please try again in a moment.', { provider });
  if (cause !== undefined) (error as { cause?: unknown }).cause = cause;
  return error;
};

/** The gateway refused the request (bad amount, unknown payment, a state that does not allow it). */
export const gatewayRejected = (provider: PaymentProvider, code: string): AppError =>
  new AppError('PAYMENT_GATEWAY_REJECTED', 'conflict', 'The payment provider refused this request.', { provider, providerCode: code.slice(0, 80) });

export const webhookSignatureInvalid = (provider: PaymentProvider, why: string): AppError =>
  new AppError('PAYMENT_WEBHOOK_SIGNATURE_INVALID', 'invalid_data', `The webhook's signature did not verify: ${why}.`, { provider });

export const notCancellable = (provider: PaymentProvider): AppError =>
  new AppError('PAYMENT_NOT_CANCELLABLE', 'conflict', 'The payment was already taken and cannot be cancelled.', { provider });

/** `1999` GBP → `"19.99"`: the decimal string some APIs (PayPal) speak, without a float. */
export function toDecimalString(money: Money): string {
  const digits = minorDigits(money.currency);
  const sign = money.amount < 0 ? '-' : '';
  const units = String(Math.abs(money.amount)).padStart(digits + 1, '0');
  return digits === 0 ? `${sign}${units}` : `${sign}${units.slice(0, -digits)}.${units.slice(-digits)}`;
}

/** `"19.99"` GBP → `1999`; undefined for anything that is not a plain decimal with at most the currency's digits. */
export function fromDecimalString(value: string, currency: string): number | undefined {
  const digits = minorDigits(currency);
  const match = /^(\d{1,15})(?:\.(\d+))?$/.exec(value);
  if (match === null) return undefined;
  const fraction = match[2] ?? '';
  if (fraction.length > digits) return undefined;
  return Number(match[1]) * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0');
}

/**
 * The `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">` header scheme (Stripe's), shared by the test
 * gateway. Returns the timestamp when one v1 signature matches, undefined when none does.
 */
export function parseSignatureHeader(header: string): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) signatures.push(value);
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}

/** One header's value as a string (the first, when a client repeated it). */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
