import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { TestGatewayPayment, TestGatewayStore, TestWebhook } from '../../adapters/payments/test-gateway.js';
import type { Db } from '../../db/database.js';
import type { TestGatewayPaymentRow } from './payments.tables.js';

const toPayment = (r: TestGatewayPaymentRow): TestGatewayPayment => ({
  reference: r.reference,
  token: r.token,
  idempotencyKey: r.idempotency_key,
  amount: { amount: r.amount, currency: r.currency },
  orderNumber: r.order_number,
  returnUrl: r.return_url,
  cancelUrl: r.cancel_url,
  status: r.status,
  reason: r.reason,
  refunded: r.refunded,
  cardLast4: r.card_last4,
  createdAt: r.created_at,
});

/**
 * The test gateway's state in its own tables (the gateway is an adapter and touches no SQL itself). A
 * state change and the webhook that reports it are written in one transaction, the webhook as an outbox
 * job (`enqueueWebhook`), so a crash can never leave one without the other.
 */
export function createTestGatewayStore(deps: { db: Db; now: () => Date; enqueueWebhook: (trx: Db, webhook: TestWebhook) => Promise<void> }): TestGatewayStore {
  const { db, now } = deps;
  const byReference = (d: Db, reference: string) => d.selectFrom('test_gateway_payment').selectAll().where('reference', '=', reference).executeTakeFirst();
  return {
    async insert(p) {
      const at = now();
      const inserted = await db
        .insertInto('test_gateway_payment')
        .values({
          reference: p.reference, token: p.token, idempotency_key: p.idempotencyKey, amount: p.amount.amount, currency: p.amount.currency,
          order_number: p.orderNumber, return_url: p.returnUrl, cancel_url: p.cancelUrl, status: 'requires_payment', reason: null, card_last4: null,
          created_at: at, updated_at: at,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .returningAll()
        .executeTakeFirst();
      const row = inserted ?? (await db.selectFrom('test_gateway_payment').selectAll().where('idempotency_key', '=', p.idempotencyKey).executeTakeFirstOrThrow());
      return toPayment(row);
    },
    async findByReference(reference) {
      const row = await byReference(db, reference);
      return row && toPayment(row);
    },
    async findByToken(token) {
      const row = await db.selectFrom('test_gateway_payment').selectAll().where('token', '=', token).executeTakeFirst();
      return row && toPayment(row);
    },
    async transition(reference, from, change, webhook) {
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .updateTable('test_gateway_payment')
          .set({ status: change.status, reason: change.reason, ...(change.cardLast4 ? { card_last4: change.cardLast4 } : {}), updated_at: now() })
          .where('reference', '=', reference)
          .where('status', 'in', from)
          .returningAll()
          .executeTakeFirst();
        if (row === undefined) return undefined;
        if (webhook !== undefined) await deps.enqueueWebhook(trx, webhook);
        return toPayment(row);
      });
    },
    async refund(reference, amount, idempotencyKey) {
      return db.transaction().execute(async (trx) => {
        const existing = await trx.selectFrom('test_gateway_refund').select('reference').where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
        if (existing) return { refundReference: existing.reference };
        const moved = await trx
          .updateTable('test_gateway_payment')
          .set({ refunded: sql`refunded + ${amount}`, updated_at: now() })
          .where('reference', '=', reference)
          .where(sql<boolean>`refunded + ${amount} <= amount`)
          .executeTakeFirst();
        if (moved.numUpdatedRows !== 1n) return false as const;
        const refundReference = `tr_${randomBytes(12).toString('hex')}`;
        await trx.insertInto('test_gateway_refund').values({ reference: refundReference, payment_reference: reference, amount, idempotency_key: idempotencyKey }).execute();
        return { refundReference };
      });
    },
    async generatedSecret() {
      await db.insertInto('test_gateway_secret').values({ id: 1, secret: randomBytes(32).toString('base64url') }).onConflict((oc) => oc.column('id').doNothing()).execute();
      const row = await db.selectFrom('test_gateway_secret').select('secret').where('id', '=', 1).executeTakeFirstOrThrow();
      return row.secret;
    },
  };
}
