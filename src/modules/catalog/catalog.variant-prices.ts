import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Money } from '../../kernel/money.js';
import type { MediaUrls } from '../media/index.js';
import type { ProductStatus } from './catalog.tables.js';

/** What pricing needs of one variant, whatever its product's status (a cart may hold an archived one). */
export interface PricedVariant {
  variantId: string;
  productId: string;
  productName: string;
  productSlug: string;
  productStatus: ProductStatus;
  variantTitle: string;
  sku: string;
  price: Money;
  weightGrams: number;
  /** A small rendition of the product's first image, for cart lines. */
  imageUrl?: string;
  imageAlt?: string;
  /** Units on sale now (on hand less reserved; 0 without a stock level), read in the same statement. */
  available: number;
}

/** The inventory's embeddable read of a variant's stock (its `variantStockSql`). */
export type StockSql = (variantId: RawBuilder<unknown>) => RawBuilder<{ available: number } | null>;

export interface VariantPrices {
  /**
   * The named variants that exist (any status), with their stock; unknown ids are left out. `db` may be a
   * transaction. One statement: the stock is a sub-select the inventory module provides.
   */
  variants(variantIds: readonly string[], db?: Db): Promise<Map<string, PricedVariant>>;
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The catalog's answer to pricing and the cart: current price, weight and status of each variant. */
export function createVariantPrices(deps: { db: Db; media: MediaUrls; stockSql: StockSql }): VariantPrices {
  const thumbnail = (key: string, widths: number[], formats: string[]): string => {
    if (widths.length === 0) return deps.media.url(key);
    const sorted = [...widths].sort((a, b) => a - b);
    const width = sorted.find((w) => w >= 160) ?? sorted[sorted.length - 1]!;
    const format = formats.includes('webp') ? 'webp' : formats.includes('jpeg') ? 'jpeg' : formats[0]!;
    return deps.media.url(`${key}/${width}.${format}`);
  };
  return {
    async variants(variantIds, db = deps.db) {
      const ids = [...new Set(variantIds)].filter((id) => uuid.test(id));
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('product_variant as v')
        .innerJoin('product as p', 'p.id', 'v.product_id')
        .leftJoinLateral(
          (eb) => eb.selectFrom('product_image as i').select(['i.storage_key', 'i.alt', 'i.widths', 'i.formats']).whereRef('i.product_id', '=', 'p.id').orderBy('i.position').limit(1).as('img'),
          (join) => join.on(sql.lit(true), '=', sql.lit(true)),
        )
        .select([
          'v.id', 'v.product_id', 'p.name as product_name', 'p.slug as product_slug', 'p.status', 'v.title', 'v.sku', 'v.price_amount', 'v.currency', 'v.weight_grams',
          'img.storage_key', 'img.alt', 'img.widths', 'img.formats',
          deps.stockSql(sql.ref('v.id')).as('stock'),
        ])
        .where('v.id', 'in', ids)
        .execute();
      return new Map(
        rows.map((r) => [
          r.id,
          {
            variantId: r.id,
            productId: r.product_id,
            productName: r.product_name,
            productSlug: r.product_slug,
            productStatus: r.status,
            variantTitle: r.title,
            sku: r.sku,
            price: { amount: r.price_amount, currency: r.currency },
            weightGrams: r.weight_grams ?? 0,
            available: r.stock?.available ?? 0,
            ...(r.storage_key !== null ? { imageUrl: thumbnail(r.storage_key, r.widths ?? [], r.formats ?? []), imageAlt: r.alt ?? r.product_name } : {}),
          },
        ]),
      );
    },
  };
}
