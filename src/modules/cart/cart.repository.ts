import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CartLineRow, CartRow } from './cart.tables.js';

export const findOpenCartByToken = (db: Db, tokenHash: Buffer, lock = false): Promise<CartRow | undefined> => {
  const query = db.selectFrom('cart').selectAll().where('token_hash', '=', tokenHash).where('status', '=', 'open');
  return (lock ? query.forUpdate() : query).executeTakeFirst();
};

export const findOpenCartOfCustomer = (db: Db, customerId: string): Promise<CartRow | undefined> =>
  db.selectFrom('cart').selectAll().where('customer_id', '=', customerId).where('status', '=', 'open').executeTakeFirst();

export const findCart = (db: Db, id: string): Promise<CartRow | undefined> => db.selectFrom('cart').selectAll().where('id', '=', id).executeTakeFirst();

/** Locks a cart row for a change of its lines (two tabs adding at once keep the limits). */
export const lockCart = (db: Db, id: string): Promise<CartRow | undefined> => db.selectFrom('cart').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const insertGuestCart = (db: Db, tokenHash: Buffer): Promise<CartRow> =>
  db.insertInto('cart').values({ token_hash: tokenHash, customer_id: null, order_id: null, discount_code: null }).returningAll().executeTakeFirstOrThrow();

/** A customer's open cart, created when absent; the unique index settles two requests creating it at once. */
export async function upsertCustomerCart(db: Db, customerId: string): Promise<CartRow> {
  const created = await db
    .insertInto('cart')
    .values({ token_hash: null, customer_id: customerId, order_id: null, discount_code: null })
    .onConflict((oc) => oc.column('customer_id').where('status', '=', 'open').doNothing())
    .returningAll()
    .executeTakeFirst();
  return created ?? (await findOpenCartOfCustomer(db, customerId))!;
}

export const findLines = (db: Db, cartId: string): Promise<CartLineRow[]> =>
  db.selectFrom('cart_line').selectAll().where('cart_id', '=', cartId).orderBy('created_at').orderBy('id').execute();

export async function countItems(db: Db, cartId: string): Promise<number> {
  const row = await db.selectFrom('cart_line').select((eb) => eb.fn.coalesce(eb.fn.sum<string>('quantity'), sql<string>`0`).as('n')).where('cart_id', '=', cartId).executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Adds `quantity` to the variant's line. The line remembers `unitPrice`, the price the shopper was shown
 * when they acted on it; a repricing since is then shown on the cart, never applied silently.
 */
export async function upsertLine(db: Db, cartId: string, variantId: string, quantity: number, unitPrice: number, currency: string): Promise<CartLineRow> {
  // The cart's last change is stamped in the same statement (abandoned carts are judged by it).
  return db
    .with('touched', (w) => w.updateTable('cart').set({ updated_at: sql<Date>`now()` }).where('id', '=', cartId).returning('id'))
    .insertInto('cart_line')
    .values({ cart_id: cartId, variant_id: variantId, quantity, unit_price_amount: unitPrice, currency })
    .onConflict((oc) =>
      oc.columns(['cart_id', 'variant_id']).doUpdateSet((eb) => ({
        quantity: sql<number>`${eb.ref('cart_line.quantity')} + ${eb.ref('excluded.quantity')}`,
        unit_price_amount: eb.ref('excluded.unit_price_amount'),
        currency: eb.ref('excluded.currency'),
        updated_at: sql<Date>`now()`,
      })),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const setLineQuantity = (db: Db, cartId: string, lineId: string, quantity: number, unitPrice?: number): Promise<CartLineRow | undefined> =>
  db
    .updateTable('cart_line')
    .set({ quantity, ...(unitPrice !== undefined ? { unit_price_amount: unitPrice } : {}), updated_at: sql<Date>`now()` })
    .where('id', '=', lineId)
    .where('cart_id', '=', cartId)
    .returningAll()
    .executeTakeFirst();

export const deleteLine = (db: Db, cartId: string, lineId: string): Promise<CartLineRow | undefined> =>
  db.deleteFrom('cart_line').where('id', '=', lineId).where('cart_id', '=', cartId).returningAll().executeTakeFirst();

export const setDiscountCode = async (db: Db, cartId: string, code: string | null): Promise<void> => {
  await db.updateTable('cart').set({ discount_code: code, updated_at: sql<Date>`now()` }).where('id', '=', cartId).execute();
};

/** A line copied from another cart (a merge), keeping when it was first added so the cart's order holds. */
export async function insertLine(db: Db, cartId: string, line: Pick<CartLineRow, 'variant_id' | 'quantity' | 'unit_price_amount' | 'currency' | 'created_at'>): Promise<void> {
  await db
    .insertInto('cart_line')
    .values({ cart_id: cartId, variant_id: line.variant_id, quantity: line.quantity, unit_price_amount: line.unit_price_amount, currency: line.currency, created_at: line.created_at })
    .execute();
}

export async function deleteLines(db: Db, cartId: string): Promise<void> {
  await db.deleteFrom('cart_line').where('cart_id', '=', cartId).execute();
}

export const setStatus = async (db: Db, cartId: string, status: 'open' | 'ordered' | 'merged', orderId: string | null): Promise<void> => {
  await db.updateTable('cart').set({ status, order_id: orderId, updated_at: sql<Date>`now()` }).where('id', '=', cartId).execute();
};

export const findCartOfOrder = (db: Db, orderId: string): Promise<CartRow | undefined> =>
  db.selectFrom('cart').selectAll().where('order_id', '=', orderId).where('status', '=', 'ordered').forUpdate().executeTakeFirst();
