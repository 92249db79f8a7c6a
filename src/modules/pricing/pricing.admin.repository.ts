import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { DiscountCodeRow, DiscountCodeTable, ShippingMethodRow, ShippingMethodTable, TaxRateRow, TaxRateTable } from './pricing.tables.js';

// The staff's reads and writes of the pricing tables. `lock` takes the row for the rest of the
// transaction, so the audit's "before" is the row the update changed.

export const listTaxRates = (db: Db): Promise<TaxRateRow[]> => db.selectFrom('tax_rate').selectAll().orderBy('country').orderBy('region').execute();

export function findTaxRate(db: Db, id: string, lock = false): Promise<TaxRateRow | undefined> {
  const q = db.selectFrom('tax_rate').selectAll().where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export const findTaxRateAt = (db: Db, country: string, region: string): Promise<TaxRateRow | undefined> =>
  db.selectFrom('tax_rate').selectAll().where('country', '=', country).where('region', '=', region).executeTakeFirst();

/** Undefined when the country and region already have a rate. */
export const insertTaxRate = (db: Db, row: Insertable<TaxRateTable>): Promise<TaxRateRow | undefined> =>
  db.insertInto('tax_rate').values(row).onConflict((oc) => oc.columns(['country', 'region']).doNothing()).returningAll().executeTakeFirst();

export const updateTaxRate = (db: Db, id: string, change: Updateable<TaxRateTable>): Promise<TaxRateRow | undefined> =>
  db.updateTable('tax_rate').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();

export const deleteTaxRate = (db: Db, id: string): Promise<TaxRateRow | undefined> => db.deleteFrom('tax_rate').where('id', '=', id).returningAll().executeTakeFirst();

export const listShippingMethods = (db: Db): Promise<ShippingMethodRow[]> =>
  db.selectFrom('shipping_method').selectAll().orderBy('active', 'desc').orderBy('position').orderBy('name').execute();

export function findShippingMethod(db: Db, id: string, lock = false): Promise<ShippingMethodRow | undefined> {
  const q = db.selectFrom('shipping_method').selectAll().where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export const insertShippingMethod = (db: Db, row: Insertable<ShippingMethodTable>): Promise<ShippingMethodRow> =>
  db.insertInto('shipping_method').values(row).returningAll().executeTakeFirstOrThrow();

export const updateShippingMethod = (db: Db, id: string, change: Updateable<ShippingMethodTable>): Promise<ShippingMethodRow | undefined> =>
  db.updateTable('shipping_method').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();

export const listDiscounts = (db: Db): Promise<DiscountCodeRow[]> =>
  db.selectFrom('discount_code').selectAll().orderBy('active', 'desc').orderBy('created_at', 'desc').orderBy('code').execute();

export function findDiscount(db: Db, id: string, lock = false): Promise<DiscountCodeRow | undefined> {
  const q = db.selectFrom('discount_code').selectAll().where('id', '=', id);
  return (lock ? q.forUpdate() : q).executeTakeFirst();
}

export const findDiscountByCode = (db: Db, code: string): Promise<DiscountCodeRow | undefined> =>
  db.selectFrom('discount_code').selectAll().where('code', '=', code).executeTakeFirst();

/** Undefined when the code is taken (codes are stored upper-case, so this is case-insensitive). */
export const insertDiscount = (db: Db, row: Insertable<DiscountCodeTable>): Promise<DiscountCodeRow | undefined> =>
  db.insertInto('discount_code').values(row).onConflict((oc) => oc.column('code').doNothing()).returningAll().executeTakeFirst();

/** Never touches used_count: the pricing core counts redemptions. */
export const updateDiscount = (db: Db, id: string, change: Omit<Updateable<DiscountCodeTable>, 'used_count'>): Promise<DiscountCodeRow | undefined> =>
  db.updateTable('discount_code').set({ ...change, updated_at: sql<Date>`now()` }).where('id', '=', id).returningAll().executeTakeFirst();
