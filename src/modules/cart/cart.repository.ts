import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CartLineRow, CartRow } from './cart.tables.js';

export const findOpenCartByToken = (db: Db, tokenHash: Buffer): Promise<CartRow | undefined> =>
  db.selectFrom('cart').selectAll().where('token_hash', '=', tokenHash).where('status', '=', 'open').executeTakeFirst();

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
  return db
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

export const touchCart = async (db: Db, cartId: string): Promise<void> => {
  await db.updateTable('cart').set({ updated_at: sql<Date>`now()` }).where('id', '=', cartId).execute();
};

/** Moves `from`'s lines into `into`: a variant in both gets the sum, held to `maxQuantity`. */
export async function mergeLines(db: Db, from: string, into: string, maxQuantity: number): Promise<void> {
  await sql`
    insert into cart_line (cart_id, variant_id, quantity, unit_price_amount, currency, created_at)
    select ${into}, variant_id, least(quantity, ${maxQuantity}), unit_price_amount, currency, created_at from cart_line where cart_id = ${from}
    on conflict (cart_id, variant_id) do update set quantity = least(cart_line.quantity + excluded.quantity, ${maxQuantity}), updated_at = now()`.execute(db);
  await db.deleteFrom('cart_line').where('cart_id', '=', from).execute();
}

export const setStatus = async (db: Db, cartId: string, status: 'open' | 'ordered' | 'merged', orderId: string | null): Promise<void> => {
  await db.updateTable('cart').set({ status, order_id: orderId, updated_at: sql<Date>`now()` }).where('id', '=', cartId).execute();
};

export const findCartOfOrder = (db: Db, orderId: string): Promise<CartRow | undefined> =>
  db.selectFrom('cart').selectAll().where('order_id', '=', orderId).where('status', '=', 'ordered').forUpdate().executeTakeFirst();
