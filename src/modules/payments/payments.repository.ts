import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { PaymentRefundRow, PaymentRow, PaymentStatus, PaymentTable, RefundStatus } from './payments.tables.js';
import type { Insertable } from 'kysely';

/** Inserts a payment unless its idempotency key exists; undefined when it did (the caller reads that one). */
export async function insertPayment(db: Db, row: Insertable<PaymentTable>): Promise<PaymentRow | undefined> {
  return db.insertInto('payment').values(row).onConflict((oc) => oc.column('idempotency_key').doNothing()).returningAll().executeTakeFirst();
}

export async function findPayment(db: Db, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findPaymentByKey(db: Db, idempotencyKey: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
}

export async function findPaymentsOfOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  return db.selectFrom('payment').selectAll().where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute();
}

/** Locks one payment row for the rest of the transaction (`select … for update`). */
export async function lockPayment(db: Db, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function lockPaymentByReference(db: Db, provider: string, reference: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payment').selectAll().where('provider', '=', provider as PaymentRow['provider']).where('provider_reference', '=', reference).forUpdate().executeTakeFirst();
}

/** Locks an order's captured payments, oldest first: refunds take from them in that order. */
export async function lockCapturedPaymentsOfOrder(db: Db, orderId: string): Promise<PaymentRow[]> {
  return db.selectFrom('payment').selectAll().where('order_id', '=', orderId).where('status', '=', 'succeeded').orderBy('created_at').orderBy('id').forUpdate().execute();
}

/** Records the gateway's reference once; a twin start that recorded it first keeps its own (the same one). */
export async function setReference(db: Db, id: string, reference: string, at: Date): Promise<void> {
  await db.updateTable('payment').set({ provider_reference: reference, updated_at: at }).where('id', '=', id).where('provider_reference', 'is', null).execute();
}

export async function updatePayment(
  db: Db,
  id: string,
  change: { status?: PaymentStatus; captured?: number; failure_reason?: string | null; mismatch?: string | null; updated_at: Date },
): Promise<void> {
  await db.updateTable('payment').set(change).where('id', '=', id).execute();
}

/** Adds to the reserved refund amount only while captured still covers it (the conditional update is the guard). */
export async function reserveRefund(db: Db, id: string, amount: number, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('payment')
    .set({ refund_reserved: sql`refund_reserved + ${amount}`, updated_at: at })
    .where('id', '=', id)
    .where(sql<boolean>`refunded + refund_reserved + ${amount} <= captured`)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Moves a reserved amount to refunded (settled) or back to refundable (failed). */
export async function settleReserved(db: Db, id: string, amount: number, refunded: boolean, at: Date): Promise<PaymentRow> {
  return db
    .updateTable('payment')
    .set({
      refund_reserved: sql`refund_reserved - ${amount}`,
      ...(refunded ? { refunded: sql`refunded + ${amount}` } : {}),
      updated_at: at,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What every payment of an order took and gave back, together (a second payment of one order counts too). */
export async function orderSums(db: Db, orderId: string): Promise<{ captured: number; refunded: number }> {
  const row = await db
    .selectFrom('payment')
    .select((eb) => [eb.fn.coalesce(eb.fn.sum<string>('captured'), sql<string>`0`).as('captured'), eb.fn.coalesce(eb.fn.sum<string>('refunded'), sql<string>`0`).as('refunded')])
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return { captured: Number(row.captured), refunded: Number(row.refunded) };
}

export async function insertRefund(db: Db, row: Omit<PaymentRefundRow, 'created_at' | 'updated_at' | 'provider_reference' | 'failure_reason'>): Promise<void> {
  await db.insertInto('payment_refund').values(row).execute();
}

export async function lockRefund(db: Db, id: string): Promise<PaymentRefundRow | undefined> {
  return db.selectFrom('payment_refund').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateRefund(db: Db, id: string, change: { status: RefundStatus; provider_reference?: string | null; failure_reason?: string | null; updated_at: Date }): Promise<void> {
  await db.updateTable('payment_refund').set(change).where('id', '=', id).execute();
}

export async function findRefundsOfPayments(db: Db, paymentIds: readonly string[]): Promise<PaymentRefundRow[]> {
  if (paymentIds.length === 0) return [];
  return db.selectFrom('payment_refund').selectAll().where('payment_id', 'in', paymentIds).orderBy('created_at').execute();
}

/** Payments still open since before `before`, oldest first (the reconciliation job's list). */
export async function findStalePayments(db: Db, before: Date, limit: number): Promise<PaymentRow[]> {
  return db
    .selectFrom('payment')
    .selectAll()
    .where('status', 'in', ['pending', 'requires_action'])
    .where('updated_at', '<', before)
    .orderBy('updated_at')
    .limit(limit)
    .execute();
}

export async function findStaleRefunds(db: Db, before: Date, limit: number): Promise<PaymentRefundRow[]> {
  return db.selectFrom('payment_refund').selectAll().where('status', '=', 'pending').where('updated_at', '<', before).orderBy('updated_at').limit(limit).execute();
}

/** Records a webhook's event id; false when that provider's event was recorded before (a duplicate or a replay). */
export async function recordWebhookEvent(db: Db, row: { provider: string; event_id: string; type: string; outcome: string; payment_id: string | null; received_at: Date }): Promise<boolean> {
  const inserted = await db
    .insertInto('payment_webhook_event')
    .values(row)
    .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function setWebhookOutcome(db: Db, provider: string, eventId: string, outcome: string, paymentId: string | null): Promise<void> {
  await db.updateTable('payment_webhook_event').set({ outcome, payment_id: paymentId }).where('provider', '=', provider).where('event_id', '=', eventId).execute();
}

export async function countRejection(db: Db, provider: string, hour: Date): Promise<void> {
  await db
    .insertInto('payment_webhook_rejection')
    .values({ provider, hour, count: 1 })
    .onConflict((oc) => oc.columns(['provider', 'hour']).doUpdateSet({ count: sql`payment_webhook_rejection.count + 1` }))
    .execute();
}

export async function stats(db: Db, since: Date): Promise<{ failedPayments: number; failedWebhooks: number; rejectedWebhooks: number }> {
  // Failed payments, and open ones whose last attempt was declined (a Stripe intent awaiting another card).
  const failed = await db
    .selectFrom('payment')
    .select(sql<string>`count(*)`.as('n'))
    .where((eb) => eb.or([eb('status', '=', 'failed'), eb.and([eb('status', 'in', ['pending', 'requires_action']), eb('failure_reason', 'is not', null)])]))
    .where('updated_at', '>=', since)
    .executeTakeFirstOrThrow();
  const webhooks = await db
    .selectFrom('payment_webhook_event')
    .select(sql<string>`count(*)`.as('n'))
    .where('outcome', 'in', ['mismatch', 'unmatched'])
    .where('received_at', '>=', since)
    .executeTakeFirstOrThrow();
  const hour = new Date(Math.floor(since.getTime() / 3_600_000) * 3_600_000);
  const rejected = await db.selectFrom('payment_webhook_rejection').select(sql<string | null>`sum(count)`.as('n')).where('hour', '>=', hour).executeTakeFirstOrThrow();
  return { failedPayments: Number(failed.n), failedWebhooks: Number(webhooks.n), rejectedWebhooks: Number(rejected.n ?? 0) };
}

/** Marks an open payment as just checked (its state unchanged), so the next scan starts with others. */
export async function touchPayment(db: Db, id: string, at: Date): Promise<void> {
  await db.updateTable('payment').set({ updated_at: at }).where('id', '=', id).where('status', 'in', ['pending', 'requires_action']).execute();
}
