import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { DiscountCodeRow, DiscountCodeTable, ShippingMethodRow, ShippingMethodTable, TaxRateRow, TaxRateTable } from './pricing.tables.js';

// --- Tax rates -----------------------------------------------------------------------------------------

/** What a quote needs of a shipping method. */
export type QuoteMethod = Pick<ShippingMethodRow, 'id' | 'name' | 'kind' | 'price_amount' | 'bands' | 'free_over_amount'>;

/**
 * A quote's rates in one round trip: the destination country's own tax rate and, when `region` is given,
 * the region's; and the active methods that deliver there in `currency`, in display order.
 */
export async function findQuoteRates(
  db: Db,
  country: string,
  region: string | undefined,
  currency: string,
): Promise<{ taxes: Pick<TaxRateRow, 'region' | 'rate_bp'>[]; methods: QuoteMethod[] }> {
  const { rows } = await sql<{ taxes: Pick<TaxRateRow, 'region' | 'rate_bp'>[] | null; methods: QuoteMethod[] | null }>`
    select
      (select json_agg(json_build_object('region', t.region, 'rate_bp', t.rate_bp))
         from tax_rate t where t.country = ${country} and t.region in ('', ${region ?? ''})) as taxes,
      (select json_agg(json_build_object('id', m.id, 'name', m.name, 'kind', m.kind, 'price_amount', m.price_amount,
                                         'bands', m.bands, 'free_over_amount', m.free_over_amount) order by m.position, m.name)
         from shipping_method m where m.active and m.currency = ${currency} and ${country} = any(m.countries)) as methods`.execute(db);
  return { taxes: rows[0]?.taxes ?? [], methods: rows[0]?.methods ?? [] };
}

export const listTaxRates = (db: Db): Promise<TaxRateRow[]> => db.selectFrom('tax_rate').selectAll().orderBy('country').orderBy('region').execute();
export const findTaxRate = (db: Db, id: string): Promise<TaxRateRow | undefined> => db.selectFrom('tax_rate').selectAll().where('id', '=', id).executeTakeFirst();

export async function insertTaxRate(db: Db, row: Insertable<TaxRateTable>): Promise<TaxRateRow | undefined> {
  return db.insertInto('tax_rate').values(row).onConflict((oc) => oc.columns(['country', 'region']).doNothing()).returningAll().executeTakeFirst();
}

export const updateTaxRate = (db: Db, id: string, change: Updateable<TaxRateTable>): Promise<TaxRateRow | undefined> =>
  db.updateTable('tax_rate').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();

export const deleteTaxRate = (db: Db, id: string): Promise<TaxRateRow | undefined> => db.deleteFrom('tax_rate').where('id', '=', id).returningAll().executeTakeFirst();

// --- Shipping methods ----------------------------------------------------------------------------------

/** Every country some active method delivers to in `currency`. */
export async function findDestinations(db: Db, currency: string): Promise<string[]> {
  const rows = await sql<{ country: string }>`select distinct unnest(countries) as country from shipping_method where active and currency = ${currency} order by 1`.execute(db);
  return rows.rows.map((r) => r.country);
}

export const listShippingMethods = (db: Db): Promise<ShippingMethodRow[]> => db.selectFrom('shipping_method').selectAll().orderBy('position').orderBy('name').execute();
export const findShippingMethod = (db: Db, id: string): Promise<ShippingMethodRow | undefined> =>
  db.selectFrom('shipping_method').selectAll().where('id', '=', id).executeTakeFirst();
export const insertShippingMethod = (db: Db, row: Insertable<ShippingMethodTable>): Promise<ShippingMethodRow> =>
  db.insertInto('shipping_method').values(row).returningAll().executeTakeFirstOrThrow();
export const updateShippingMethod = (db: Db, id: string, change: Updateable<ShippingMethodTable>): Promise<ShippingMethodRow | undefined> =>
  db.updateTable('shipping_method').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();

// --- Discount codes ------------------------------------------------------------------------------------

export const findDiscountByCode = (db: Db, code: string): Promise<DiscountCodeRow | undefined> =>
  db.selectFrom('discount_code').selectAll().where('code', '=', code).executeTakeFirst();
export const findDiscount = (db: Db, id: string): Promise<DiscountCodeRow | undefined> => db.selectFrom('discount_code').selectAll().where('id', '=', id).executeTakeFirst();
export const listDiscounts = (db: Db): Promise<DiscountCodeRow[]> => db.selectFrom('discount_code').selectAll().orderBy('created_at', 'desc').execute();

export async function insertDiscount(db: Db, row: Insertable<DiscountCodeTable>): Promise<DiscountCodeRow | undefined> {
  return db.insertInto('discount_code').values(row).onConflict((oc) => oc.column('code').doNothing()).returningAll().executeTakeFirst();
}

export const updateDiscount = (db: Db, id: string, change: Updateable<DiscountCodeTable>): Promise<DiscountCodeRow | undefined> =>
  db.updateTable('discount_code').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();

/** Redemptions not given back, by this customer (account or e-mail's blind index). */
export async function countCustomerRedemptions(db: Db, discountId: string, who: { customerId?: string | undefined; emailHash?: Buffer | undefined }): Promise<number> {
  if (who.customerId === undefined && who.emailHash === undefined) return 0;
  const row = await db
    .selectFrom('discount_redemption')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('discount_id', '=', discountId)
    .where('released_at', 'is', null)
    .where((eb) =>
      eb.or([
        ...(who.customerId !== undefined ? [eb('customer_id', '=', who.customerId)] : []),
        ...(who.emailHash !== undefined ? [eb('email_hash', '=', who.emailHash)] : []),
      ]),
    )
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * Takes one use of the code if one is left: a conditional update, so of any number of concurrent
 * transactions only as many as the limit allow get a row back (the others wait on the row lock, then
 * see the new count and match nothing). The row stays locked until the caller's transaction ends, which
 * also serialises the per-customer count that follows.
 */
export async function updateTakeUse(db: Db, id: string, now: Date): Promise<DiscountCodeRow | undefined> {
  return db
    .updateTable('discount_code')
    .set((eb) => ({ used_count: eb('used_count', '+', 1), updated_at: now }))
    .where('id', '=', id)
    .where('active', '=', true)
    .where((eb) => eb.or([eb('usage_limit', 'is', null), eb('used_count', '<', eb.ref('usage_limit'))]))
    .where((eb) => eb.or([eb('starts_at', 'is', null), eb('starts_at', '<=', now)]))
    .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
    .returningAll()
    .executeTakeFirst();
}

export async function findLiveRedemption(db: Db, orderId: string): Promise<{ discount_id: string } | undefined> {
  return db.selectFrom('discount_redemption').select('discount_id').where('order_id', '=', orderId).where('released_at', 'is', null).executeTakeFirst();
}

export async function insertRedemption(db: Db, row: { discountId: string; orderId: string; customerId: string | null; emailHash: Buffer | null }): Promise<void> {
  await db.insertInto('discount_redemption').values({ discount_id: row.discountId, order_id: row.orderId, customer_id: row.customerId, email_hash: row.emailHash }).execute();
}

/** Gives an order's redemption back, once: the second call finds nothing left to release. */
export async function releaseRedemption(db: Db, orderId: string, now: Date): Promise<string | undefined> {
  const row = await db
    .updateTable('discount_redemption')
    .set({ released_at: now })
    .where('order_id', '=', orderId)
    .where('released_at', 'is', null)
    .returning('discount_id')
    .executeTakeFirst();
  if (row === undefined) return undefined;
  await db
    .updateTable('discount_code')
    .set((eb) => ({ used_count: eb('used_count', '-', 1), updated_at: now }))
    .where('id', '=', row.discount_id)
    .where('used_count', '>', 0)
    .execute();
  return row.discount_id;
}
