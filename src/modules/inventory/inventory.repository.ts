import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import type { InventoryLevelRow, InventoryMovementRow, InventoryMovementTable } from './inventory.tables.js';

export interface OpeningLevel {
  variantId: string;
  productId: string;
  onHand: number;
  lowStockThreshold?: number;
}

/** Creates levels for new variants, each with an opening balance in the ledger. */
export async function insertLevels(db: Db, levels: OpeningLevel[], reason: string, actor: string | null): Promise<void> {
  if (levels.length === 0) return;
  await db
    .insertInto('inventory_level')
    .values(levels.map((l) => ({ variant_id: l.variantId, product_id: l.productId, on_hand: l.onHand, reserved: 0, ...(l.lowStockThreshold !== undefined ? { low_stock_threshold: l.lowStockThreshold } : {}) })))
    .execute();
  await db
    .insertInto('inventory_movement')
    .values(levels.map((l) => ({ variant_id: l.variantId, kind: 'adjustment' as const, on_hand_delta: l.onHand, reserved_delta: 0, on_hand_after: l.onHand, reserved_after: 0, reason, actor })))
    .execute();
}

export async function findLevel(db: Db, variantId: string): Promise<InventoryLevelRow | undefined> {
  return db.selectFrom('inventory_level').selectAll().where('variant_id', '=', variantId).executeTakeFirst();
}

/** Units available to sell per product (on hand minus reserved, summed over its variants). */
export async function findAvailableByProduct(db: Db, productIds: readonly string[]): Promise<{ product_id: string; available: number; low_stock_threshold: number }[]> {
  if (productIds.length === 0) return [];
  const rows = await db
    .selectFrom('inventory_level')
    .select(['product_id', sql<string>`sum(on_hand - reserved)`.as('available'), sql<number>`max(low_stock_threshold)`.as('low_stock_threshold')])
    .where('product_id', 'in', productIds)
    .groupBy('product_id')
    .execute();
  return rows.map((r) => ({ product_id: r.product_id, available: Number(r.available), low_stock_threshold: Number(r.low_stock_threshold) }));
}

/**
 * Adds `delta` to on hand when what is left still covers the reservations (so never below zero);
 * undefined when it would not (or there is no level).
 *
 *   update inventory_level set on_hand = on_hand + $delta where variant_id = $id and on_hand + $delta >= reserved
 */
export async function updateOnHand(db: Db, variantId: string, delta: number): Promise<InventoryLevelRow | undefined> {
  return db
    .updateTable('inventory_level')
    .set({ on_hand: sql`on_hand + ${delta}`, updated_at: sql`now()` })
    .where('variant_id', '=', variantId)
    .where(sql<boolean>`on_hand + ${delta} >= reserved`)
    .returningAll()
    .executeTakeFirst();
}

/**
 * Reserves `quantity` when that many are available, in one statement: concurrent reservations of the
 * last unit queue on the row lock and re-check the condition, so exactly one of them wins.
 *
 *   update inventory_level set reserved = reserved + $q where variant_id = $id and on_hand - reserved >= $q
 */
export async function updateReserve(db: Db, variantId: string, quantity: number): Promise<InventoryLevelRow | undefined> {
  return db
    .updateTable('inventory_level')
    .set({ reserved: sql`reserved + ${quantity}`, updated_at: sql`now()` })
    .where('variant_id', '=', variantId)
    .where(sql<boolean>`on_hand - reserved >= ${quantity}`)
    .returningAll()
    .executeTakeFirst();
}

/** Takes reserved units out of stock (a sale ships them): on hand and reserved both go down. */
export async function updateCommitSale(db: Db, variantId: string, quantity: number): Promise<InventoryLevelRow | undefined> {
  return db
    .updateTable('inventory_level')
    .set({ on_hand: sql`on_hand - ${quantity}`, reserved: sql`reserved - ${quantity}`, updated_at: sql`now()` })
    .where('variant_id', '=', variantId)
    .where('reserved', '>=', quantity)
    .returningAll()
    .executeTakeFirst();
}

/** Gives reserved units back to sale. */
export async function updateRelease(db: Db, variantId: string, quantity: number): Promise<InventoryLevelRow | undefined> {
  return db
    .updateTable('inventory_level')
    .set({ reserved: sql`reserved - ${quantity}`, updated_at: sql`now()` })
    .where('variant_id', '=', variantId)
    .where('reserved', '>=', quantity)
    .returningAll()
    .executeTakeFirst();
}

export async function updateThreshold(db: Db, variantId: string, threshold: number): Promise<InventoryLevelRow | undefined> {
  return db.updateTable('inventory_level').set({ low_stock_threshold: threshold, updated_at: sql`now()` }).where('variant_id', '=', variantId).returningAll().executeTakeFirst();
}

export async function lockLevel(db: Db, variantId: string): Promise<InventoryLevelRow | undefined> {
  return db.selectFrom('inventory_level').selectAll().where('variant_id', '=', variantId).forUpdate().executeTakeFirst();
}

export async function insertMovements(db: Db, rows: Insertable<InventoryMovementTable>[]): Promise<void> {
  // clock_timestamp(), not now(): several movements of one transaction keep the order they happened in.
  if (rows.length > 0) await db.insertInto('inventory_movement').values(rows.map((r) => ({ ...r, created_at: sql<Date>`clock_timestamp()` }))).execute();
}

/** A variant's ledger, newest first. */
export async function findMovements(db: Db, variantId: string, limit: number, offset: number): Promise<{ rows: InventoryMovementRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    db.selectFrom('inventory_movement').selectAll().where('variant_id', '=', variantId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).offset(offset).execute(),
    db.selectFrom('inventory_movement').select((eb) => eb.fn.countAll<string>().as('n')).where('variant_id', '=', variantId).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The sums of a variant's ledger: what its level must be. */
export async function sumMovements(db: Db, variantId: string): Promise<{ onHand: number; reserved: number }> {
  const row = await db
    .selectFrom('inventory_movement')
    .select([sql<string>`coalesce(sum(on_hand_delta), 0)`.as('on_hand'), sql<string>`coalesce(sum(reserved_delta), 0)`.as('reserved')])
    .where('variant_id', '=', variantId)
    .executeTakeFirstOrThrow();
  return { onHand: Number(row.on_hand), reserved: Number(row.reserved) };
}

export type StockFilter = 'all' | 'low' | 'sold_out';

export interface LevelQuery {
  filter: StockFilter;
  productId?: string;
  /** Only these variants (a search by SKU or name resolved by the catalog). */
  variantIds?: readonly string[];
  limit: number;
  offset: number;
}

/** Levels for the stock list, least available first (what needs attention leads). */
export async function findLevelsPage(db: Db, query: LevelQuery): Promise<{ rows: InventoryLevelRow[]; total: number }> {
  if (query.variantIds !== undefined && query.variantIds.length === 0) return { rows: [], total: 0 };
  let q = db.selectFrom('inventory_level');
  if (query.filter === 'sold_out') q = q.where(sql<boolean>`on_hand - reserved <= 0`);
  if (query.filter === 'low') q = q.where(sql<boolean>`on_hand - reserved > 0 and on_hand - reserved <= low_stock_threshold`);
  if (query.productId !== undefined) q = q.where('product_id', '=', query.productId);
  if (query.variantIds !== undefined) q = q.where('variant_id', 'in', query.variantIds);
  const [rows, count] = await Promise.all([
    q.selectAll().orderBy(sql`on_hand - reserved`).orderBy('variant_id').limit(query.limit).offset(query.offset).execute(),
    q.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** How many variants are low or sold out, for the home card and the list's tabs. */
export async function countAttention(db: Db): Promise<{ low: number; soldOut: number }> {
  const row = await db
    .selectFrom('inventory_level')
    .select([
      sql<string>`count(*) filter (where on_hand - reserved > 0 and on_hand - reserved <= low_stock_threshold)`.as('low'),
      sql<string>`count(*) filter (where on_hand - reserved <= 0)`.as('sold_out'),
    ])
    .executeTakeFirstOrThrow();
  return { low: Number(row.low), soldOut: Number(row.sold_out) };
}

/** A variant's stock as a JSON cell: what `variantStockSql` yields, null when the variant has no level. */
export interface StockCell {
  available: number;
  low_stock_threshold: number;
}

/**
 * A scalar sub-select of the stock of the variant `variantId` names, for another module's statement to
 * embed, so a product page reads its variants and their stock in one round trip (one index probe a variant).
 */
export function variantStockSql(variantId: RawBuilder<unknown>): RawBuilder<StockCell | null> {
  return sql<StockCell | null>`(select json_build_object('available', l.on_hand - l.reserved, 'low_stock_threshold', l.low_stock_threshold) from inventory_level l where l.variant_id = ${variantId})`;
}
