import { sql } from 'kysely';
import type { Db } from '../../db/database.js';
import type { InventoryLevelRow } from './inventory.tables.js';

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

export async function findLevelsByVariant(db: Db, variantIds: readonly string[]): Promise<InventoryLevelRow[]> {
  if (variantIds.length === 0) return [];
  return db.selectFrom('inventory_level').selectAll().where('variant_id', 'in', variantIds).execute();
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
