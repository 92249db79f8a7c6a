import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type {
  FulfilmentRow,
  OrderEventRow,
  OrderEventTable,
  OrderLineRow,
  OrderLineTable,
  OrderRow,
  OrderStatusColumn,
  OrderTable,
} from './orders.tables.js';

/** The orders module's SQL: the only place that touches its tables. */

/**
 * Claims an idempotency key for `orderId`. Returns false when the key is taken; when another
 * transaction is writing the same key right now, PostgreSQL makes this insert wait for it to end first.
 */
export async function insertIdempotency(trx: Db, key: string, orderId: string): Promise<boolean> {
  const row = await trx.insertInto('order_idempotency').values({ key, order_id: orderId }).onConflict((oc) => oc.column('key').doNothing()).returning('key').executeTakeFirst();
  return row !== undefined;
}

export async function findIdempotentOrderId(db: Db, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('order_idempotency').select('order_id').where('key', '=', key).executeTakeFirst();
  return row?.order_id;
}

/** Unpaid orders still holding stock at `at`, placed with this e-mail (blind index) or by this customer. */
export async function countOpenUnpaid(db: Db, q: { emailIndex: Uint8Array; customerId: string | null; at: Date }): Promise<number> {
  const row = await db
    .selectFrom('order')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending_payment')
    .where('hold_expires_at', '>', q.at)
    .where((eb) => eb.or([eb('email_index', '=', q.emailIndex), ...(q.customerId !== null ? [eb('customer_id', '=', q.customerId)] : [])]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * A new order with its lines, addresses and first event, in one statement (data-modifying CTEs; the
 * foreign keys are checked at its end, when every row is in). Returns the order as written.
 */
export async function insertPlaced(
  trx: Db,
  placed: { order: Insertable<OrderTable>; lines: Insertable<OrderLineTable>[]; addresses: { id: string; order_id: string; kind: 'shipping' | 'billing'; address_encrypted: Uint8Array }[]; event: NewOrderEvent },
): Promise<OrderRow> {
  return trx
    .with('placed', (w) => w.insertInto('order').values(placed.order).returningAll())
    .with('placed_lines', (w) => w.insertInto('order_line').values(placed.lines).returning('id'))
    .with('placed_addresses', (w) => w.insertInto('order_address').values(placed.addresses).returning('id'))
    .with('placed_event', (w) => w.insertInto('order_event').values(eventValues(placed.event)).returning('id'))
    .selectFrom('placed')
    .selectAll()
    .executeTakeFirstOrThrow();
}

/** An event as the service builds it: `data` as an object, stored as JSON text. */
export type NewOrderEvent = Omit<Insertable<OrderEventTable>, 'data'> & { data?: Record<string, unknown> | null };

const eventValues = (row: NewOrderEvent): Insertable<OrderEventTable> => ({ ...row, data: row.data === undefined || row.data === null ? null : JSON.stringify(row.data) });

export async function insertEvent(trx: Db, row: NewOrderEvent): Promise<void> {
  await trx.insertInto('order_event').values(eventValues(row)).execute();
}

export function findOrder(db: Db, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('order').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findOrderByNumber(db: Db, number: string): Promise<OrderRow | undefined> {
  return db.selectFrom('order').selectAll().where('number', '=', number).executeTakeFirst();
}

export function lockOrder(trx: Db, id: string): Promise<OrderRow | undefined> {
  return trx.selectFrom('order').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateOrder(trx: Db, id: string, patch: Updateable<OrderTable>): Promise<OrderRow> {
  return trx
    .updateTable('order')
    .set({ ...patch, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function findLines(db: Db, orderId: string): Promise<OrderLineRow[]> {
  return db.selectFrom('order_line').selectAll().where('order_id', '=', orderId).orderBy('position').execute();
}

export function findLinesOf(db: Db, orderIds: readonly string[]): Promise<OrderLineRow[]> {
  if (orderIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('order_line').selectAll().where('order_id', 'in', orderIds).orderBy('order_id').orderBy('position').execute();
}

/** Adds shipped units to a line, only while they fit (never more than ordered). */
export async function addFulfilled(trx: Db, lineId: string, quantity: number): Promise<boolean> {
  const row = await trx
    .updateTable('order_line')
    .set({ fulfilled_quantity: sql<number>`fulfilled_quantity + ${quantity}` })
    .where('id', '=', lineId)
    .where(sql<boolean>`fulfilled_quantity + ${quantity} <= quantity`)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export function findAddresses(db: Db, orderId: string): Promise<{ id: string; kind: 'shipping' | 'billing'; address_encrypted: Uint8Array }[]> {
  return db.selectFrom('order_address').select(['id', 'kind', 'address_encrypted']).where('order_id', '=', orderId).execute();
}

export function findEvents(db: Db, orderId: string): Promise<OrderEventRow[]> {
  return db.selectFrom('order_event').selectAll().where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute();
}

export async function insertFulfilment(
  trx: Db,
  row: { id: string; order_id: string; carrier: string | null; tracking_number: string | null; actor_id: string | null },
  lines: { order_line_id: string; quantity: number }[],
): Promise<void> {
  await trx.insertInto('fulfilment').values(row).execute();
  await trx
    .insertInto('fulfilment_line')
    .values(lines.map((l) => ({ fulfilment_id: row.id, ...l })))
    .execute();
}

export async function findFulfilments(db: Db, orderId: string): Promise<(FulfilmentRow & { lines: { order_line_id: string; quantity: number }[] })[]> {
  const rows = await db.selectFrom('fulfilment').selectAll().where('order_id', '=', orderId).orderBy('created_at').orderBy('id').execute();
  if (rows.length === 0) return [];
  const lines = await db
    .selectFrom('fulfilment_line')
    .select(['fulfilment_id', 'order_line_id', 'quantity'])
    .where(
      'fulfilment_id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => ({ ...r, lines: lines.filter((l) => l.fulfilment_id === r.id).map(({ order_line_id, quantity }) => ({ order_line_id, quantity })) }));
}

// --- lists -----------------------------------------------------------------------------------------

export interface ListQuery {
  statuses?: readonly OrderStatusColumn[] | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  number?: string | undefined;
  emailIndex?: Uint8Array | undefined;
  customerId?: string | undefined;
  limit: number;
  offset: number;
}

export type ListedOrder = OrderRow & { item_count: number };

function filtered(db: Db, q: Omit<ListQuery, 'limit' | 'offset' | 'statuses'>) {
  let query = db.selectFrom('order');
  if (q.from) query = query.where('created_at', '>=', q.from);
  if (q.to) query = query.where('created_at', '<', q.to);
  if (q.customerId) query = query.where('customer_id', '=', q.customerId);
  if (q.number !== undefined || q.emailIndex !== undefined) {
    query = query.where((eb) =>
      eb.or([
        ...(q.number !== undefined ? [eb('number', '=', q.number)] : []),
        ...(q.emailIndex !== undefined ? [eb('email_index', '=', q.emailIndex)] : []),
      ]),
    );
  }
  return query;
}

/** A page of orders, newest first, with the count of every status under the same filters. */
export async function listOrders(db: Db, q: ListQuery): Promise<{ rows: ListedOrder[]; total: number; counts: { status: OrderStatusColumn; n: number }[] }> {
  const base = filtered(db, q);
  const withStatus = q.statuses && q.statuses.length > 0 ? base.where('status', 'in', q.statuses) : base;
  const [rows, total, counts] = await Promise.all([
    withStatus
      .selectAll('order')
      .select((eb) =>
        eb
          .selectFrom('order_line')
          .select(sql<number>`coalesce(sum(quantity), 0)::int`.as('n'))
          .whereRef('order_line.order_id', '=', 'order.id')
          .as('item_count'),
      )
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    withStatus.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base.select(['status', sql<number>`count(*)::int`.as('n')]).groupBy('status').execute(),
  ]);
  return { rows: rows.map((r) => ({ ...r, item_count: Number(r.item_count ?? 0) })), total: total.n, counts };
}

// --- the dashboard -----------------------------------------------------------------------------------

/** Sales per UTC day since `since` in `currency`: orders that were paid, whatever happened after. */
export async function dailySales(db: Db, currency: string, since: Date): Promise<{ day: string; sales: number; orders: number }[]> {
  const rows = await db
    .selectFrom('order')
    .select([
      sql<string>`to_char(date_trunc('day', paid_at at time zone 'UTC'), 'YYYY-MM-DD')`.as('day'),
      sql<number>`coalesce(sum(total_amount - refunded_amount), 0)::int`.as('sales'),
      sql<number>`count(*)::int`.as('orders'),
    ])
    .where('currency', '=', currency)
    .where('paid_at', '>=', since)
    .where('status', '!=', 'cancelled')
    .groupBy(sql`1`)
    .execute();
  return rows;
}

export async function countToFulfil(db: Db): Promise<number> {
  const row = await db
    .selectFrom('order')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('status', 'in', ['paid', 'partially_fulfilled'])
    .executeTakeFirstOrThrow();
  return row.n;
}

// --- reconciliation ----------------------------------------------------------------------------------

export function findPaidOrdersSince(db: Db, since: Date, limit: number): Promise<OrderRow[]> {
  return db
    .selectFrom('order')
    .selectAll()
    .where('paid_at', '>=', since)
    .where('status', 'in', ['paid', 'partially_fulfilled', 'fulfilled', 'delivered'])
    .orderBy('paid_at')
    .limit(limit)
    .execute();
}

export function findPendingPastHold(db: Db, now: Date, limit: number): Promise<OrderRow[]> {
  return db.selectFrom('order').selectAll().where('status', '=', 'pending_payment').where('hold_expires_at', '<', now).orderBy('hold_expires_at').limit(limit).execute();
}

/** Orders cancelled recently, where a payment that came late may need a refund. */
export function findCancelledSince(db: Db, since: Date, limit: number): Promise<OrderRow[]> {
  return db.selectFrom('order').selectAll().where('status', '=', 'cancelled').where('cancelled_at', '>=', since).orderBy('cancelled_at').limit(limit).execute();
}

export async function hasEvent(db: Db, orderId: string, type: string): Promise<boolean> {
  const row = await db.selectFrom('order_event').select('id').where('order_id', '=', orderId).where('type', '=', type).limit(1).executeTakeFirst();
  return row !== undefined;
}

// --- personal data -----------------------------------------------------------------------------------

export function findOrdersOfCustomer(db: Db, customerId: string): Promise<OrderRow[]> {
  return db.selectFrom('order').selectAll().where('customer_id', '=', customerId).orderBy('created_at').execute();
}

/**
 * Removes the person from every order of a customer: the e-mail, its index, the addresses, the link to
 * the account, and the guest link (a new nonce). Lines, totals and history stay, as tax law requires.
 */
export async function eraseCustomerOrders(trx: Db, customerId: string, nonce: () => Uint8Array): Promise<string[]> {
  const rows = await trx.selectFrom('order').select('id').where('customer_id', '=', customerId).forUpdate().execute();
  const ids = rows.map((r) => r.id);
  if (ids.length === 0) return ids;
  await trx.deleteFrom('order_address').where('order_id', 'in', ids).execute();
  for (const id of ids) {
    await trx
      .updateTable('order')
      .set({ customer_id: null, email_encrypted: null, email_index: null, link_nonce: nonce(), erased_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', id)
      .execute();
  }
  return ids;
}
