import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusOfCategory } from '../../src/http/answers.js';
import { AppError } from '../../src/kernel/errors.js';
import type { ActorContext } from '../../src/modules/payments/index.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { anOrder, recordingEvents } from './support.js';

const secret = 'test-gateway-secret-for-the-refund-tests-0123456789';
const staff: ActorContext = { actor: { type: 'staff', id: randomUUID(), role: 'owner' }, clientIp: '127.0.0.1', requestId: 'req-refund' };

describe('refunds and reconciliation', () => {
  let t: TestApp;
  const events = recordingEvents();

  beforeAll(async () => {
    t = await createTestApp({ TEST_GATEWAY_WEBHOOK_SECRET: secret }, { paymentEvents: events });
    // Ready: the first reconciliation run is written (PAYMENTS_RECONCILE_EVERY_SECONDS from now).
    await t.app.ready();
  });
  afterAll(async () => t?.close());

  /** Pays through the test gateway's card page logic; the webhook job is dropped (no server listens here). */
  const payAtGateway = async (paymentId: string) => {
    const reference = (await t.payments.get(paymentId))!.providerReference!;
    const { token } = await t.database.db.selectFrom('test_gateway_payment').select('token').where('reference', '=', reference).executeTakeFirstOrThrow();
    await t.payments.testGateway!.pay(await t.payments.testGateway!.page(token), { number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123', name: 'Grace Hopper' });
    await t.database.db.deleteFrom('outbox_job').where('type', '=', 'payments.test-webhook').execute();
    return reference;
  };

  /** A payment the test gateway took, made known to the app by a server-side retrieval. */
  const paid = async (amount = 3_000) => {
    const order = anOrder(amount);
    const { paymentId } = await t.payments.start({ ...order, provider: 'test' });
    const reference = await payAtGateway(paymentId);
    expect((await t.payments.refresh(paymentId)).status).toBe('succeeded');
    return { order, paymentId, reference };
  };

  const state = async (orderId: string, reference: string) => {
    const [payment] = await t.payments.forOrder(orderId);
    const refunds = await t.payments.refundsForOrder(orderId);
    const gateway = await t.database.db.selectFrom('test_gateway_payment').select('refunded').where('reference', '=', reference).executeTakeFirstOrThrow();
    return { refunded: payment!.refunded.amount, refunds: refunds.length, gatewayRefunded: gateway.refunded, events: events.of(orderId).length };
  };

  const refusal = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (err) {
      if (err instanceof AppError) return { code: err.code, status: statusOfCategory[err.category] };
      throw err;
    }
    return undefined;
  };

  it('refunds in part and then the rest, through the gateway, audited, telling the order each time', async () => {
    const { order, paymentId, reference } = await paid(3_000);
    const first = await t.payments.refund({ orderId: order.orderId, amount: { amount: 1_000, currency: 'GBP' }, reason: 'Damaged in transit', actor: staff });
    const second = await t.payments.refund({ orderId: order.orderId, amount: { amount: 2_000, currency: 'GBP' }, reason: 'Returned', actor: staff });
    expect(await state(order.orderId, reference)).toEqual({ refunded: 3_000, refunds: 2, gatewayRefunded: 3_000, events: 3 });
    expect(events.of(order.orderId).slice(1)).toEqual([
      { kind: 'refunded', orderId: order.orderId, refundId: first.refundId, amount: { amount: 1_000, currency: 'GBP' }, totalRefunded: { amount: 1_000, currency: 'GBP' }, captured: { amount: 3_000, currency: 'GBP' } },
      { kind: 'refunded', orderId: order.orderId, refundId: second.refundId, amount: { amount: 2_000, currency: 'GBP' }, totalRefunded: { amount: 3_000, currency: 'GBP' }, captured: { amount: 3_000, currency: 'GBP' } },
    ]);
    const audited = await t.database.db.selectFrom('audit_event').select(['action', 'actor_id']).where('target_id', '=', paymentId).orderBy('seq').execute();
    expect(audited.map((a) => a.action)).toEqual(['payment.refund_requested', 'payment.refunded', 'payment.refund_requested', 'payment.refunded']);
    expect(audited.every((a) => a.actor_id === staff.actor.id)).toBe(true);
  });

  it('refuses a refund above captured minus refunded with 409 PAYMENT_REFUND_EXCEEDS_CAPTURED, and changes nothing', async () => {
    const { order, reference } = await paid(3_000);
    await t.payments.refund({ orderId: order.orderId, amount: { amount: 1_000, currency: 'GBP' }, reason: 'Partial', actor: staff });
    const before = await state(order.orderId, reference);
    expect(await refusal(t.payments.refund({ orderId: order.orderId, amount: { amount: 2_001, currency: 'GBP' }, reason: 'Too much', actor: staff }))).toEqual({ code: 'PAYMENT_REFUND_EXCEEDS_CAPTURED', status: 409 });
    expect(await refusal(t.payments.refund({ orderId: order.orderId, amount: { amount: 5_000, currency: 'GBP' }, reason: 'Far too much', actor: staff }))).toEqual({ code: 'PAYMENT_REFUND_EXCEEDS_CAPTURED', status: 409 });
    expect(await refusal(t.payments.refund({ orderId: order.orderId, amount: { amount: 100, currency: 'EUR' }, reason: 'Wrong currency', actor: staff }))).toEqual({ code: 'PAYMENT_INVALID_AMOUNT', status: 400 });
    expect(await refusal(t.payments.refund({ orderId: order.orderId, amount: { amount: -5, currency: 'GBP' }, reason: 'Negative', actor: staff }))).toEqual({ code: 'PAYMENT_INVALID_AMOUNT', status: 400 });
    expect(await refusal(t.payments.refund({ orderId: order.orderId, amount: { amount: 1.5, currency: 'GBP' }, reason: 'Fractional', actor: staff }))).toEqual({ code: 'PAYMENT_INVALID_AMOUNT', status: 400 });
    expect(await state(order.orderId, reference)).toEqual(before);
    expect(await refusal(t.payments.refund({ orderId: randomUUID(), amount: { amount: 100, currency: 'GBP' }, reason: 'No such order', actor: staff }))).toEqual({ code: 'PAYMENT_NOTHING_CAPTURED', status: 409 });
  });

  it('lets exactly one of two refunds at once through when together they exceed the captured amount', async () => {
    const { order, reference } = await paid(3_000);
    const asks = [0, 1].map(() => t.payments.refund({ orderId: order.orderId, amount: { amount: 2_000, currency: 'GBP' }, reason: 'Twice at once', actor: staff }));
    const results = await Promise.allSettled(asks);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((refused.reason as AppError).code).toBe('PAYMENT_REFUND_EXCEEDS_CAPTURED');
    expect(await state(order.orderId, reference)).toEqual({ refunded: 2_000, refunds: 1, gatewayRefunded: 2_000, events: 2 });
  });

  it('repairs a crash between payment and webhook: the gateway took it, the webhook never came, reconciliation marks it paid once', async () => {
    const order = anOrder(4_500);
    const { paymentId } = await t.payments.start({ ...order, provider: 'test' });
    // Paid at the gateway, and its webhook lost (the process died before the job ran, or the network swallowed it).
    await payAtGateway(paymentId);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);

    // Past the reconciliation delay, the scheduled run asks the gateway.
    t.clock.advance(6 * 60_000);
    await t.outbox.drain();
    expect((await t.payments.get(paymentId))!.status).toBe('succeeded');
    expect(events.of(order.orderId)).toEqual([{ kind: 'succeeded', orderId: order.orderId, paymentId, amount: { amount: 4_500, currency: 'GBP' }, provider: 'test' }]);
    const run = t.logs.find((l) => l.msg === 'payments reconciled' && (l.reconcile as { succeeded: number }).succeeded >= 1);
    expect(run).toBeDefined();
    expect(await t.metrics.registry.getSingleMetricAsString('payment_reconciliation_total')).toMatch(/result="succeeded"\} [1-9]/);

    // The next run is already written, and a second reconciliation finds nothing more to do for it.
    const next = await t.database.db.selectFrom('outbox_job').select(['key', 'run_at']).where('type', '=', 'payments.reconcile').where('status', '=', 'ready').execute();
    expect(next).toHaveLength(1);
    expect(next[0]!.run_at.getTime()).toBeGreaterThan(t.clock.now.getTime());
    await t.payments.reconcile();
    expect(events.of(order.orderId)).toHaveLength(1);
  });

  it('leaves a payment the shopper never paid open, and gives it a turn at the back of the queue', async () => {
    const order = anOrder(1_200);
    const { paymentId } = await t.payments.start({ ...order, provider: 'test' });
    t.clock.advance(6 * 60_000);
    const report = await t.payments.reconcile();
    expect(report.stillOpen).toBeGreaterThanOrEqual(1);
    expect((await t.payments.get(paymentId))!.status).toBe('pending');
    expect(events.of(order.orderId)).toEqual([]);
  });

  it('cancels an unpaid payment at the gateway, and the card page then refuses it', async () => {
    const order = anOrder(800);
    const { paymentId } = await t.payments.start({ ...order, provider: 'test' });
    await t.payments.cancel(order.orderId);
    expect((await t.payments.get(paymentId))!.status).toBe('cancelled');
    const reference = (await t.payments.get(paymentId))!.providerReference!;
    const gateway = await t.database.db.selectFrom('test_gateway_payment').select(['status', 'token']).where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(gateway.status).toBe('cancelled');
    const code = await t.payments.testGateway!.pay(await t.payments.testGateway!.page(gateway.token), { number: '4242 4242 4242 4242', expiry: '12 / 30', cvc: '123', name: 'Grace Hopper' }).then(() => undefined, (e: AppError) => e.code);
    expect(code).toBe('PAYMENT_TEST_PAGE_CLOSED');
  });
});
