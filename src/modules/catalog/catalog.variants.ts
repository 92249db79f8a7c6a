import type { Db } from '../../db/database.js';
import type { VariantDirectory } from '../inventory/index.js';
import * as repo from './catalog.variants.repository.js';

/** The catalog's answer to the stock pages: what each variant is called, and a search by SKU or name. */
export function createVariantDirectory(deps: { db: Db }): VariantDirectory {
  return {
    async describe(variantIds) {
      const rows = await repo.findVariantInfo(deps.db, variantIds);
      return new Map(rows.map((r) => [r.id, { variantId: r.id, productId: r.product_id, productName: r.product_name, productSlug: r.product_slug, sku: r.sku, title: r.title }]));
    },
    search: (q, limit) => repo.searchVariantIds(deps.db, q, limit),
  };
}
