import type { Db } from '../../db/database.js';
import * as repo from './inventory.repository.js';

export type StockLevel = 'in_stock' | 'low_stock' | 'sold_out';

export interface VariantStock {
  available: number;
  level: StockLevel;
}

export interface InventoryService {
  /** Opens levels for new variants inside the caller's transaction. */
  openLevels(trx: Db, levels: repo.OpeningLevel[], reason: string, actor?: string): Promise<void>;
  /** Stock of each named variant; a variant without a level counts as sold out. */
  variantStock(variantIds: readonly string[]): Promise<Map<string, VariantStock>>;
  /** Stock summed over each named product's variants. */
  productStock(productIds: readonly string[]): Promise<Map<string, VariantStock>>;
}

/** "Sold out" at zero, "only N left" at or below the variant's threshold. */
export function stockLevel(available: number, lowStockThreshold: number): StockLevel {
  if (available <= 0) return 'sold_out';
  return available <= lowStockThreshold ? 'low_stock' : 'in_stock';
}

export function createInventoryService(deps: { db: Db }): InventoryService {
  const { db } = deps;
  return {
    async openLevels(trx, levels, reason, actor) {
      await repo.insertLevels(trx, levels, reason, actor ?? null);
    },
    async variantStock(variantIds) {
      const rows = await repo.findLevelsByVariant(db, variantIds);
      const byId = new Map(rows.map((r) => [r.variant_id, r]));
      return new Map(
        variantIds.map((id) => {
          const row = byId.get(id);
          const available = row ? row.on_hand - row.reserved : 0;
          return [id, { available, level: stockLevel(available, row?.low_stock_threshold ?? 0) }];
        }),
      );
    },
    async productStock(productIds) {
      const rows = await repo.findAvailableByProduct(db, productIds);
      const byId = new Map(rows.map((r) => [r.product_id, r]));
      return new Map(
        productIds.map((id) => {
          const row = byId.get(id);
          const available = row?.available ?? 0;
          return [id, { available, level: stockLevel(available, row?.low_stock_threshold ?? 0) }];
        }),
      );
    },
  };
}
