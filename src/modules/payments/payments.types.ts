import type { Transaction } from 'kysely';
import type { PaymentAction, PaymentProvider } from '../../adapters/payments/payment-gateway.js';
import type { Database } from '../../db/schema.js';
import type { Money } from '../../kernel/money.js';
import type { Actor } from '../../kernel/request-context.js';

export type { PaymentAction, PaymentProvider };

/** Who asks for a change (a staff member refunding) and the request facts the audit trail keeps. */
export interface ActorContext {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

export type PaymentViewStatus = 'pending' | 'requires_action' | 'succeeded' | 'failed' | 'cancelled';

/** A payment as other modules and pages see it. */
export interface PaymentView {
  id: string;
  orderId: string;
  provider: PaymentProvider;
  status: PaymentViewStatus;
  amount: Money;
  captured: Money;
  refunded: Money;
  providerReference: string | null;
  createdAt: Date;
}

/** A refund as the order's pages show it. */
export interface RefundView {
  id: string;
  paymentId: string;
  amount: Money;
  status: 'pending' | 'succeeded' | 'failed';
  reason: string;
  createdAt: Date;
}

/**
 * What the payments module tells the order's owner. Given to createPaymentsService by app.ts; each is
 * called exactly once per fact, inside the transaction that records it (webhook or retrieval), so the
 * order and the payment change together or not at all. A declined attempt that leaves the payment open
 * for another (Stripe's Payment Element) is not a `failed`: the order hears `succeeded` when a later
 * attempt pays, or nothing until it cancels the payment. A `succeeded` after a `failed` is possible only
 * when the gateway took money for a payment already closed here (it is logged; the owner decides).
 */
export interface PaymentEvents {
  succeeded(trx: Transaction<Database>, e: { orderId: string; paymentId: string; amount: Money; provider: PaymentProvider }): Promise<void>;
  failed(trx: Transaction<Database>, e: { orderId: string; paymentId: string; reason: string }): Promise<void>;
  /** `totalRefunded` and `captured` are over every payment of the order (a second, duplicate payment included). */
  refunded(trx: Transaction<Database>, e: { orderId: string; refundId: string; amount: Money; totalRefunded: Money; captured: Money }): Promise<void>;
}

export interface StartPaymentInput {
  orderId: string;
  orderNumber: string;
  amount: Money;
  provider: PaymentProvider;
  returnUrl: string;
  cancelUrl: string;
  idempotencyKey: string;
}

/** For the back office's dashboard: what went wrong since a moment. */
export interface PaymentStats {
  /** Payments that failed (declined, authentication failed), and open ones whose last attempt was declined. */
  failedPayments: number;
  /** Verified webhooks that could not be applied: an amount or currency mismatch, or no such payment. */
  failedWebhooks: number;
  /** Webhooks refused: a bad or missing signature, or a replay outside the tolerance. */
  rejectedWebhooks: number;
}

/** What a reconciliation run found. */
export interface ReconcileReport {
  checked: number;
  succeeded: number;
  failed: number;
  stillOpen: number;
  refundsSettled: number;
  errors: number;
}

export interface PaymentsService {
  /** After the order's transaction committed (never inside one: a gateway call is slow and not
   *  transactional). Idempotent on `idempotencyKey`: the same key returns the same payment. */
  start(input: StartPaymentInput): Promise<{ paymentId: string; action: PaymentAction }>;
  /** Server-side retrieval from the gateway; applies a success or failure exactly as a webhook would. */
  refresh(paymentId: string): Promise<PaymentView>;
  forOrder(orderId: string): Promise<PaymentView[]>;
  /** Full or partial; never more than captured minus refunded (PAYMENT_REFUND_EXCEEDS_CAPTURED, 409);
   *  through the gateway; audited with `actor`. */
  refund(input: { orderId: string; amount: Money; reason: string; actor: ActorContext }): Promise<{ refundId: string }>;
  /** Cancels a payment not yet captured (order cancelled or hold expired). */
  cancel(orderId: string): Promise<void>;
  /** Failed payments and failed or rejected webhooks since `since` (the dashboard's card). */
  stats(since: Date): Promise<PaymentStats>;
  /** One payment, for pages (the Stripe payment page) and tests. */
  get(paymentId: string): Promise<PaymentView | undefined>;
  refundsForOrder(orderId: string): Promise<RefundView[]>;
  /** Verifies and applies one webhook delivery; a duplicate or replay of a processed event changes nothing. */
  handleWebhook(provider: PaymentProvider, rawBody: Buffer, headers: Record<string, string | string[] | undefined>): Promise<{ duplicate: boolean }>;
  /**
   * Our own page for a payment (Stripe's Payment Element): its path with the token that alone opens it,
   * for the shopper who started the payment and no one else.
   */
  pagePath(paymentId: string): Promise<string>;
  /**
   * What a payment page needs: the payment, its order number, where to go after, and the gateway's next
   * step; undefined for an unknown payment and for a token that is not the payment's (as if unknown).
   */
  paymentPage(paymentId: string, token: string | undefined): Promise<{ payment: PaymentView; orderNumber: string; returnUrl: string; cancelUrl: string; action: PaymentAction } | undefined>;
  /** Asks the gateways about payments left open and refunds left unsettled past PAYMENTS_RECONCILE_AFTER_SECONDS. */
  reconcile(): Promise<ReconcileReport>;
}
