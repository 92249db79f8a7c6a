import type { FastifyBaseLogger } from 'fastify';
import type { GatewayPayment, GatewayStatus, PaymentGateway, PaymentProvider } from '../../adapters/payments/payment-gateway.js';
import type { Transaction } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import { AppError } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { Money } from '../../kernel/money.js';
import { sameSecret } from '../../kernel/same-secret.js';
import type { AuditService } from '../audit/index.js';
import {
  idempotencyKeyReused,
  invalidAmount,
  nothingCaptured,
  paymentNotFound,
  providerNotEnabled,
  refundExceedsCaptured,
  refundFailed,
  refundReasonRequired,
} from './payments.errors.js';
import type { PaymentsMetrics } from './payments.metrics.js';
import * as repo from './payments.repository.js';
import type { PaymentRefundRow, PaymentRow } from './payments.tables.js';
import type { PaymentEvents, PaymentsService, PaymentView, ReconcileReport, RefundView, StartPaymentInput } from './payments.types.js';

export interface PaymentRulesDeps {
  db: Db;
  /** The gateways of the providers in PAYMENTS; a provider absent here is refused. */
  gateways: Partial<Record<PaymentProvider, PaymentGateway>>;
  /** The order's owner, told of each success, failure and refund inside the transaction that records it. */
  events: PaymentEvents;
  audit: AuditService;
  log: FastifyBaseLogger;
  metrics: PaymentsMetrics;
  now: () => Date;
  /** PAYMENTS_RECONCILE_AFTER_SECONDS in ms: how long a payment stays open before reconciliation asks about it. */
  reconcileAfterMs: number;
  /** A keyed MAC (HMAC-SHA256 under a sealed key) of a payment id: the token of its payment page. */
  pageMac: (paymentId: string) => Promise<Buffer>;
}

const open = new Set(['pending', 'requires_action']);
const currencyPattern = /^[A-Z]{3}$/;
const maxAmount = 100_000_000_00;

export const toView = (r: PaymentRow): PaymentView => ({
  id: r.id,
  orderId: r.order_id,
  provider: r.provider,
  status: r.status,
  amount: { amount: r.amount, currency: r.currency },
  captured: { amount: r.captured, currency: r.currency },
  refunded: { amount: r.refunded, currency: r.currency },
  providerReference: r.provider_reference,
  createdAt: r.created_at,
});

const toRefundView = (r: PaymentRefundRow): RefundView => ({
  id: r.id,
  paymentId: r.payment_id,
  amount: { amount: r.amount, currency: r.currency },
  status: r.status,
  reason: r.reason,
  createdAt: r.created_at,
});

/** What one gateway answer (a webhook or a retrieval) did to a payment. */
type Applied = 'applied' | 'ignored' | 'mismatch';

/**
 * The payment rules. Gateways are called outside any transaction; what they answer is applied inside
 * one, on the locked payment row, together with the order's change (PaymentEvents), so a payment and its
 * order never disagree. A success is applied only when the gateway's amount and currency are exactly
 * the expected ones; otherwise the mismatch is recorded and reported, and nothing is marked paid.
 * Refunds reserve their amount under the row lock (a conditional update, backed by a CHECK), call the
 * gateway after commit, and settle in a second transaction, so two refunds at once can never exceed
 * what was captured.
 */
export function createPaymentRules(deps: PaymentRulesDeps): PaymentsService {
  const { db, events, log, metrics, now } = deps;
  const pageToken = async (paymentId: string) => (await deps.pageMac(paymentId)).toString('base64url');

  const gatewayOf = (provider: PaymentProvider): PaymentGateway => {
    const gateway = deps.gateways[provider];
    if (gateway === undefined) throw providerNotEnabled(provider);
    return gateway;
  };

  /**
   * Applies one gateway answer to the locked payment row `row`, in `trx`. Returns what it did, and
   * queues what to count once the transaction has committed.
   */
  const apply = async (
    trx: Transaction<Database>,
    row: PaymentRow,
    answer: { status: GatewayStatus | 'attempt_failed'; received?: Money; reason?: string },
    source: 'webhook' | 'retrieval',
    after: (() => void)[],
  ): Promise<Applied> => {
    const at = now();
    switch (answer.status) {
      case 'succeeded': {
        if (row.status === 'succeeded') return 'ignored';
        const received = answer.received;
        if (received === undefined || received.amount !== row.amount || received.currency.toUpperCase() !== row.currency) {
          const mismatch = { expected: { amount: row.amount, currency: row.currency }, received: received ?? null, source, at: at.toISOString() };
          await repo.updatePayment(trx, row.id, { mismatch: JSON.stringify(mismatch), updated_at: at });
          after.push(() => {
            metrics.mismatch(row.provider);
            log.error({ paymentId: row.id, orderId: row.order_id, provider: row.provider, expected: mismatch.expected, received: mismatch.received, source }, 'payment amount or currency mismatch: not marked paid');
          });
          return 'mismatch';
        }
        if (!open.has(row.status)) log.warn({ paymentId: row.id, from: row.status }, 'a payment marked failed or cancelled succeeded at the gateway');
        await repo.updatePayment(trx, row.id, { status: 'succeeded', captured: received.amount, failure_reason: null, mismatch: null, updated_at: at });
        await events.succeeded(trx, { orderId: row.order_id, paymentId: row.id, amount: { amount: received.amount, currency: row.currency }, provider: row.provider });
        return 'applied';
      }
      case 'failed':
      case 'cancelled': {
        if (!open.has(row.status)) return 'ignored';
        const reason = answer.status === 'cancelled' ? 'cancelled_at_gateway' : (answer.reason ?? 'failed');
        await repo.updatePayment(trx, row.id, { status: answer.status, failure_reason: reason.slice(0, 200), updated_at: at });
        await events.failed(trx, { orderId: row.order_id, paymentId: row.id, reason });
        after.push(() => metrics.failed(row.provider));
        return 'applied';
      }
      case 'attempt_failed': {
        // The payment stays open for another attempt; the order hears nothing until it succeeds, or is
        // cancelled (the order's hold expiring). The decline is counted and kept for staff.
        if (!open.has(row.status)) return 'ignored';
        await repo.updatePayment(trx, row.id, { status: 'pending', failure_reason: (answer.reason ?? 'declined').slice(0, 200), updated_at: at });
        after.push(() => metrics.failed(row.provider));
        return 'applied';
      }
      case 'requires_action': {
        if (row.status !== 'pending') return 'ignored';
        await repo.updatePayment(trx, row.id, { status: 'requires_action', updated_at: at });
        return 'applied';
      }
      case 'pending':
        return 'ignored';
    }
  };

  const inTransaction = async <T>(work: (trx: Transaction<Database>, after: (() => void)[]) => Promise<T>): Promise<T> => {
    const after: (() => void)[] = [];
    const result = await db.transaction().execute((trx) => work(trx, after));
    for (const f of after) f();
    return result;
  };

  const refresh = async (paymentId: string): Promise<PaymentView> => {
    const row = await repo.findPayment(db, paymentId);
    if (row === undefined) throw paymentNotFound();
    if (row.provider_reference === null || row.status === 'succeeded' || row.status === 'cancelled') return toView(row);
    const answer: GatewayPayment = await gatewayOf(row.provider).retrieve(row.provider_reference);
    return inTransaction(async (trx, after) => {
      const locked = (await repo.lockPayment(trx, paymentId))!;
      await apply(trx, locked, answer, 'retrieval', after);
      return toView((await repo.findPayment(trx, paymentId))!);
    });
  };

  /** Marks a reserved refund settled (or failed) and tells the order; a refund settled before is left alone. */
  const settleRefund = async (refundId: string, outcome: { refundReference: string } | { failure: string }, actor: { type: string; id: string | null }): Promise<boolean> =>
    inTransaction(async (trx) => {
      const refund = await repo.lockRefund(trx, refundId);
      if (refund === undefined || refund.status !== 'pending') return false;
      await repo.lockPayment(trx, refund.payment_id);
      const at = now();
      const ok = 'refundReference' in outcome;
      await repo.updateRefund(trx, refundId, ok ? { status: 'succeeded', provider_reference: outcome.refundReference, updated_at: at } : { status: 'failed', failure_reason: outcome.failure, updated_at: at });
      const payment = await repo.settleReserved(trx, refund.payment_id, refund.amount, ok, at);
      if (ok) {
        const money = (amount: number): Money => ({ amount, currency: payment.currency });
        const sums = await repo.orderSums(trx, refund.order_id);
        await events.refunded(trx, { orderId: refund.order_id, refundId, amount: money(refund.amount), totalRefunded: money(sums.refunded), captured: money(sums.captured) });
      }
      await deps.audit.record(trx, {
        actor: { type: actor.type as 'staff' | 'system', id: actor.id },
        action: ok ? 'payment.refunded' : 'payment.refund_failed',
        target: { type: 'payment', id: refund.payment_id },
        after: { refundId, amount: refund.amount, currency: refund.currency, ...(ok ? { refunded: payment.refunded } : { reason: outcome.failure }) },
        outcome: ok ? 'success' : 'failure',
      });
      return true;
    });

  const refundAtGateway = async (refund: PaymentRefundRow, payment: PaymentRow, actor: { type: string; id: string | null }): Promise<void> => {
    try {
      const done = await gatewayOf(payment.provider).refund({ reference: payment.provider_reference!, amount: { amount: refund.amount, currency: refund.currency }, idempotencyKey: `refund:${refund.id}` });
      await settleRefund(refund.id, done, actor);
    } catch (err) {
      // A refused refund gives the amount back to the refundable total; an unanswered one stays
      // reserved for reconciliation to ask again with the same idempotency key.
      if (err instanceof AppError && err.code === 'PAYMENT_GATEWAY_REJECTED') {
        const code = err.details?.providerCode;
        await settleRefund(refund.id, { failure: typeof code === 'string' ? code : 'rejected' }, actor);
      }
      throw err;
    }
  };

  return {
    async start(input: StartPaymentInput) {
      const { amount } = input;
      if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0 || amount.amount > maxAmount) throw invalidAmount('The amount must be a whole number of minor units above zero.');
      if (!currencyPattern.test(amount.currency)) throw invalidAmount('The currency must be an ISO 4217 code such as GBP.');
      if (input.idempotencyKey.length < 8 || input.idempotencyKey.length > 200) throw invalidAmount('The idempotency key must be 8 to 200 characters.');
      const gateway = gatewayOf(input.provider);
      const at = now();
      const inserted = await repo.insertPayment(db, {
        id: newId(), order_id: input.orderId, order_number: input.orderNumber, provider: input.provider, status: 'pending',
        amount: amount.amount, currency: amount.currency, provider_reference: null, idempotency_key: input.idempotencyKey,
        return_url: input.returnUrl, cancel_url: input.cancelUrl, failure_reason: null, mismatch: null, created_at: at, updated_at: at,
      });
      const row = inserted ?? (await repo.findPaymentByKey(db, input.idempotencyKey))!;
      if (row.order_id !== input.orderId || row.amount !== amount.amount || row.currency !== amount.currency || row.provider !== input.provider) throw idempotencyKeyReused();
      if (row.provider_reference !== null) {
        return { paymentId: row.id, action: await gateway.actionFor(row.provider_reference, { returnUrl: row.return_url, cancelUrl: row.cancel_url }) };
      }
      // A twin start (same key, at once) reaches the gateway with the same idempotency key and gets the same payment.
      const created = await gateway.create({
        paymentId: row.id, orderNumber: row.order_number, amount, returnUrl: row.return_url, cancelUrl: row.cancel_url, idempotencyKey: `payment:${row.id}`,
      });
      await repo.setReference(db, row.id, created.reference, now());
      return { paymentId: row.id, action: created.action };
    },

    refresh,

    async forOrder(orderId) {
      return (await repo.findPaymentsOfOrder(db, orderId)).map(toView);
    },

    async get(paymentId) {
      const row = await repo.findPayment(db, paymentId);
      return row && toView(row);
    },

    async pagePath(paymentId) {
      return `/pay/stripe/${encodeURIComponent(paymentId)}?token=${await pageToken(paymentId)}`;
    },

    async paymentPage(paymentId, token) {
      // The page shows the PaymentIntent's client secret: a payment id alone (it appears in mails to
      // staff, logs and the provider's dashboard) must not open it.
      if (token === undefined || !sameSecret(token, await pageToken(paymentId))) return undefined;
      const row = await repo.findPayment(db, paymentId);
      if (row === undefined || row.provider_reference === null) return undefined;
      const action = await gatewayOf(row.provider).actionFor(row.provider_reference, { returnUrl: row.return_url, cancelUrl: row.cancel_url });
      return { payment: toView(row), orderNumber: row.order_number, returnUrl: row.return_url, cancelUrl: row.cancel_url, action };
    },

    async refundsForOrder(orderId) {
      const payments = await repo.findPaymentsOfOrder(db, orderId);
      return (await repo.findRefundsOfPayments(db, payments.map((p) => p.id))).map(toRefundView);
    },

    async refund(input) {
      const { amount } = input;
      if (!Number.isSafeInteger(amount.amount) || amount.amount <= 0) throw invalidAmount('The refund must be a whole number of minor units above zero.');
      const reason = input.reason.trim();
      if (reason === '') throw refundReasonRequired();
      if (reason.length > 500) throw invalidAmount('Keep the reason under 500 characters.');
      const actor = { type: input.actor.actor.type, id: input.actor.actor.id ?? null };
      const refundId = newId();
      const reserved = await inTransaction(async (trx) => {
        const payments = await repo.lockCapturedPaymentsOfOrder(trx, input.orderId);
        if (payments.length === 0) throw nothingCaptured();
        const currency = payments[0]!.currency;
        if (amount.currency !== currency) throw invalidAmount(`The refund must be in ${currency}, the payment's currency.`);
        const room = (p: PaymentRow) => p.captured - p.refunded - p.refund_reserved;
        const total = payments.reduce((sum, p) => sum + room(p), 0);
        const payment = payments.find((p) => room(p) >= amount.amount);
        if (payment === undefined || !(await repo.reserveRefund(trx, payment.id, amount.amount, now()))) {
          throw refundExceedsCaptured(amount, { amount: Math.max(0, total), currency });
        }
        await repo.insertRefund(trx, {
          id: refundId, payment_id: payment.id, order_id: input.orderId, amount: amount.amount, currency, status: 'pending', reason, actor_type: actor.type, actor_id: actor.id,
        });
        await deps.audit.record(trx, {
          actor: input.actor.actor,
          action: 'payment.refund_requested',
          target: { type: 'payment', id: payment.id },
          after: { refundId, amount: amount.amount, currency, reason },
          clientIp: input.actor.clientIp ?? null,
          requestId: input.actor.requestId ?? null,
        });
        return { payment, refund: (await repo.lockRefund(trx, refundId))! };
      });
      try {
        await refundAtGateway(reserved.refund, reserved.payment, actor);
      } catch (err) {
        log.warn({ refundId, orderId: input.orderId, code: err instanceof AppError ? err.code : 'unknown' }, 'refund not made at the gateway');
        const failed = refundFailed();
        (failed as { cause?: unknown }).cause = err;
        throw failed;
      }
      return { refundId };
    },

    async cancel(orderId) {
      for (const row of await repo.findPaymentsOfOrder(db, orderId)) {
        if (!open.has(row.status)) continue;
        if (row.provider_reference !== null) {
          try {
            await gatewayOf(row.provider).cancel(row.provider_reference);
          } catch (err) {
            // Taken meanwhile: record the success (the order's owner decides, e.g. refunds it).
            if (err instanceof AppError && err.code === 'PAYMENT_NOT_CANCELLABLE') {
              await refresh(row.id);
              continue;
            }
            throw err;
          }
        }
        await inTransaction(async (trx) => {
          const locked = await repo.lockPayment(trx, row.id);
          if (locked === undefined || !open.has(locked.status)) return;
          await repo.updatePayment(trx, row.id, { status: 'cancelled', failure_reason: 'cancelled', updated_at: now() });
        });
      }
    },

    async stats(since) {
      return repo.stats(db, since);
    },

    async handleWebhook(provider, rawBody, headers) {
      const gateway = gatewayOf(provider);
      const receivedAt = now();
      let event;
      try {
        event = await gateway.verifyWebhook(rawBody, headers, receivedAt);
      } catch (err) {
        if (err instanceof AppError && err.code === 'PAYMENT_WEBHOOK_SIGNATURE_INVALID') {
          await repo.countRejection(db, provider, new Date(Math.floor(receivedAt.getTime() / 3_600_000) * 3_600_000));
          metrics.webhook(provider, 'rejected');
          log.warn({ provider, why: err.message }, 'payment webhook refused');
        }
        throw err;
      }
      const verified = event;
      const outcome = await inTransaction(async (trx, after) => {
        const fresh = await repo.recordWebhookEvent(trx, { provider, event_id: verified.eventId.slice(0, 255), type: verified.type.slice(0, 100), outcome: 'received', payment_id: null, received_at: receivedAt });
        if (!fresh) return 'duplicate' as const;
        if (verified.outcome === 'ignored' || verified.reference === undefined) {
          await repo.setWebhookOutcome(trx, provider, verified.eventId, 'ignored', null);
          return 'ignored' as const;
        }
        const row = await repo.lockPaymentByReference(trx, provider, verified.reference);
        if (row === undefined) {
          await repo.setWebhookOutcome(trx, provider, verified.eventId, 'unmatched', null);
          after.push(() => log.warn({ provider, eventId: verified.eventId, type: verified.type }, 'payment webhook for no known payment'));
          return 'unmatched' as const;
        }
        if (verified.outcome === 'approved') {
          await repo.setWebhookOutcome(trx, provider, verified.eventId, 'approved', row.id);
          return { approved: row.id };
        }
        const applied = await apply(trx, row, { status: verified.outcome, ...(verified.received ? { received: verified.received } : {}), ...(verified.reason ? { reason: verified.reason } : {}) }, 'webhook', after);
        await repo.setWebhookOutcome(trx, provider, verified.eventId, applied, row.id);
        return applied;
      });
      if (typeof outcome === 'object') {
        // Approved, not yet paid (PayPal): the capture is a gateway call, made after the event is recorded;
        // a crash before it leaves the payment open for reconciliation to capture.
        await refresh(outcome.approved);
        metrics.webhook(provider, 'applied');
        return { duplicate: false };
      }
      metrics.webhook(provider, outcome);
      return { duplicate: outcome === 'duplicate' };
    },

    async reconcile() {
      const report: ReconcileReport = { checked: 0, succeeded: 0, failed: 0, stillOpen: 0, refundsSettled: 0, errors: 0 };
      const before = new Date(now().getTime() - deps.reconcileAfterMs);
      for (const row of await repo.findStalePayments(db, before, 100)) {
        report.checked++;
        try {
          if (row.provider_reference === null) {
            // The gateway never answered the create: the shopper never got a way to pay, so nothing was taken.
            await inTransaction(async (trx, after) => {
              const locked = await repo.lockPayment(trx, row.id);
              if (locked === undefined || locked.provider_reference !== null || !open.has(locked.status)) return;
              await apply(trx, locked, { status: 'failed', reason: 'not_created_at_gateway' }, 'retrieval', after);
            });
            report.failed++;
            continue;
          }
          const view = await refresh(row.id);
          if (view.status === 'succeeded') report.succeeded++;
          else if (view.status === 'failed' || view.status === 'cancelled') report.failed++;
          else {
            report.stillOpen++;
            // Checked: it goes to the back of the queue, so a few abandoned payments never starve the rest.
            await repo.touchPayment(db, row.id, now());
          }
        } catch (err) {
          report.errors++;
          log.warn({ paymentId: row.id, code: err instanceof AppError ? err.code : 'unknown' }, 'reconciliation could not check a payment');
        }
      }
      for (const refund of await repo.findStaleRefunds(db, before, 100)) {
        try {
          const payment = (await repo.findPayment(db, refund.payment_id))!;
          await refundAtGateway(refund, payment, { type: 'system', id: 'payments.reconcile' });
          report.refundsSettled++;
        } catch (err) {
          report.errors++;
          log.warn({ refundId: refund.id, code: err instanceof AppError ? err.code : 'unknown' }, 'reconciliation could not settle a refund');
        }
      }
      metrics.reconciled(report);
      log[report.succeeded + report.failed + report.refundsSettled + report.errors > 0 ? 'warn' : 'info']({ reconcile: report }, 'payments reconciled');
      return report;
    },
  };
}
