/** The checkout module's SQL: the only place that touches `checkout_session`. */
import type { Db } from '../../db/database.js';
import type { CheckoutSessionRow, CheckoutSessionTable } from './checkout.tables.js';

export type { CheckoutSessionRow };

export async function findByCart(db: Db, cartId: string): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_session').selectAll().where('cart_id', '=', cartId).executeTakeFirst();
}

export async function findByAttemptKey(db: Db, attemptKey: string): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_session').selectAll().where('attempt_key', '=', attemptKey).executeTakeFirst();
}

/** The checkout that placed order `number` and whose browser holds the token hashed as `accessHash`. */
export async function findPlaced(db: Db, orderNumber: string, accessHash: Buffer): Promise<CheckoutSessionRow | undefined> {
  return db.selectFrom('checkout_session').selectAll().where('order_number', '=', orderNumber).where('access_hash', '=', accessHash).executeTakeFirst();
}

/** A new row, or undefined when the cart already has one (two first steps at once: the first wins). */
export async function insertIfAbsent(db: Db, row: CheckoutSessionTable): Promise<CheckoutSessionRow | undefined> {
  return db.insertInto('checkout_session').values(row).onConflict((oc) => oc.column('cart_id').doNothing()).returningAll().executeTakeFirst();
}

type Changes = Partial<Omit<CheckoutSessionTable, 'id' | 'cart_id' | 'created_at' | 'access_hash'>> & { updated_at: Date };

/** Writes the changes; returns the row as they left it. */
export async function update(db: Db, id: string, changes: Changes): Promise<CheckoutSessionRow | undefined> {
  return db.updateTable('checkout_session').set(changes).where('id', '=', id).returningAll().executeTakeFirst();
}

/**
 * Records the order an attempt placed; only the first of two twins writes (the other finds it set).
 * Returns whether this call wrote it.
 */
export async function recordOrder(db: Db, attemptKey: string, order: { id: string; number: string }, at: Date): Promise<boolean> {
  const result = await db
    .updateTable('checkout_session')
    .set({ order_id: order.id, order_number: order.number, updated_at: at })
    .where('attempt_key', '=', attemptKey)
    .where('order_id', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Starts a new attempt on a row whose last order was given up (its payment failed, the cart came back). */
export async function startNewAttempt(db: Db, id: string, previousKey: string | null, attemptKey: string, at: Date): Promise<void> {
  let q = db.updateTable('checkout_session').set({ attempt_key: attemptKey, order_id: null, order_number: null, updated_at: at }).where('id', '=', id);
  q = previousKey === null ? q.where('attempt_key', 'is', null) : q.where('attempt_key', '=', previousKey);
  await q.execute();
}

/** Forgets the contact and addresses of a checkout whose order has them now. */
export async function clearDetails(db: Db, orderNumber: string, at: Date): Promise<void> {
  await db.updateTable('checkout_session').set({ details_encrypted: null, updated_at: at }).where('order_number', '=', orderNumber).where('details_encrypted', 'is not', null).execute();
}

/**
 * Drops checkouts untouched since `before` (abandoned ones keep no personal data for long), and the API's
 * idempotency keys first used before then. Returns how many checkouts went.
 */
export async function deleteStale(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('checkout_session').where('updated_at', '<', before).executeTakeFirst();
  await db.deleteFrom('checkout_idempotency_key').where('created_at', '<', before).execute();
  return Number(result.numDeletedRows);
}

export async function findRequestHash(db: Db, key: string): Promise<Uint8Array | undefined> {
  return (await db.selectFrom('checkout_idempotency_key').select('request_hash').where('key', '=', key).executeTakeFirst())?.request_hash;
}

/**
 * Ties `key` to the request hashed as `requestHash`, unless it is tied already (two requests at once:
 * the first write wins). Returns the hash the key is tied to now: one statement when the key is new.
 */
export async function claimKey(db: Db, key: string, requestHash: Buffer, at: Date): Promise<Uint8Array> {
  const written = await db
    .insertInto('checkout_idempotency_key')
    .values({ key, request_hash: requestHash, created_at: at })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('request_hash')
    .executeTakeFirst();
  return written?.request_hash ?? (await findRequestHash(db, key))!;
}

/** Unties `key` from the request hashed as `requestHash` (a request refused before it placed anything). */
export async function releaseKey(db: Db, key: string, requestHash: Buffer): Promise<void> {
  await db.deleteFrom('checkout_idempotency_key').where('key', '=', key).where('request_hash', '=', requestHash).execute();
}

export async function findOfCustomer(db: Db, customerId: string): Promise<CheckoutSessionRow[]> {
  return db.selectFrom('checkout_session').selectAll().where('customer_id', '=', customerId).execute();
}

export async function deleteOfCustomer(db: Db, customerId: string): Promise<void> {
  await db.deleteFrom('checkout_session').where('customer_id', '=', customerId).execute();
}
