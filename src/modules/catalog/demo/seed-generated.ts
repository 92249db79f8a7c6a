import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ObjectStore } from '../../../adapters/storage/object-store.js';
import type { Db } from '../../../db/database.js';
import type { InventoryService } from '../../inventory/index.js';
import * as bulk from '../catalog-bulk.repository.js';
import { generatedArt, generatedCategories, generatedProduct, palette } from './generated-catalog.js';
import { artSize, productSvg } from './product-art.js';

export interface GeneratedSeedResult {
  categories: number;
  products: number;
  variants: number;
  images: number;
  /** Product images drawn; every product reuses one of them by its content-addressed key. */
  imagesDrawn: number;
}

export interface GeneratedSeedOptions {
  products: number;
  /** Products per transaction (default 250: a few thousand bind parameters per statement). */
  batchSize?: number;
  /** Called after each committed batch with the number of products written so far. */
  onProgress?: (done: number, total: number) => void;
  /** Rebuilds what is derived from the catalog (the search index) once the products are in. */
  rebuildDerived?: () => Promise<void>;
  now?: Date;
}

/** Draws one image per art kind and colour and stores it under a key derived from its bytes. */
async function drawImages(store: ObjectStore): Promise<Map<string, string>> {
  sharp.cache(false);
  const keys = new Map<string, string>();
  for (const { art, backdrop, colour } of generatedArt) {
    const svg = productSvg(art, palette[colour]![1], backdrop);
    const webp = await sharp(Buffer.from(svg)).webp({ quality: 74, effort: 2 }).toBuffer();
    const key = `media/products/generated-${createHash('sha256').update(webp).digest('hex').slice(0, 16)}.webp`;
    if (!(await store.exists(key))) await store.put(key, webp, 'image/webp');
    keys.set(`${art}|${colour}`, key);
  }
  return keys;
}

/** Creates the generated category tree where its slugs are free, and returns every category's id by slug. */
async function ensureCategories(db: Db): Promise<{ ids: Map<string, string>; created: number }> {
  const ids = await bulk.findCategoryIdsBySlug(db, generatedCategories.map((c) => c.slug));
  let created = 0;
  for (const [position, c] of generatedCategories.entries()) {
    if (ids.has(c.slug)) continue;
    const parentId = c.parent !== undefined ? ids.get(c.parent) : undefined;
    ids.set(c.slug, await bulk.insertCategoryRow(db, { slug: c.slug, name: c.name, description: c.description, position: 100 + position, parent_id: parentId ?? null }));
    created++;
  }
  return { ids, created };
}

/**
 * Adds `products` generated products (options, 1–6 variants, prices and compare-at prices, tags, Markdown
 * descriptions with their HTML, an image each, opening stock through the inventory service) in batches,
 * each batch one transaction. Products are numbered after those already there, so it can run again on the
 * same database. Listings and search read derived data (the search index): `rebuildDerived` rebuilds it.
 */
export async function seedGeneratedCatalog(
  deps: { db: Db; store: ObjectStore; inventory: InventoryService; currency: string },
  options: GeneratedSeedOptions,
): Promise<GeneratedSeedResult> {
  const { db, store, inventory, currency } = deps;
  const batchSize = options.batchSize ?? 250;
  const now = (options.now ?? new Date()).getTime();
  const imageKeys = await drawImages(store);
  const { ids: categoryIds, created } = await ensureCategories(db);
  const first = (await bulk.countAllProducts(db)) + 1;

  let variants = 0;
  for (let start = 0; start < options.products; start += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, options.products - start) }, (_, i) => generatedProduct(first + start + i));
    await db.transaction().execute(async (trx) => {
      const productIds = await bulk.insertProductRows(
        trx,
        batch.map((p) => {
          const createdAt = new Date(now - p.ageDays * 86_400_000);
          return {
            slug: p.slug,
            name: p.name,
            description: p.description,
            description_html: p.descriptionHtml,
            category_id: categoryIds.get(p.category)!,
            status: 'active' as const,
            featured: p.featured,
            options: JSON.stringify(p.options),
            tags: p.tags,
            created_at: createdAt,
            updated_at: createdAt,
          };
        }),
      );
      const variantRows = batch.flatMap((p) =>
        p.variants.map((v, position) => ({
          product_id: productIds.get(p.slug)!,
          sku: v.sku,
          title: v.title,
          options: JSON.stringify(v.options),
          price_amount: v.price,
          compare_at_amount: v.compareAt,
          currency,
          weight_grams: v.weightGrams,
          position,
        })),
      );
      const variantIds = await bulk.insertVariantRows(trx, variantRows);
      await inventory.openLevels(
        trx,
        batch.flatMap((p) => p.variants.map((v) => ({ variantId: variantIds.get(v.sku)!, productId: productIds.get(p.slug)!, onHand: v.onHand }))),
        'Opening balance',
        'seed',
      );
      await bulk.insertImageRows(
        trx,
        batch.map((p) => ({
          product_id: productIds.get(p.slug)!,
          storage_key: imageKeys.get(`${p.art}|${p.variants[0]!.colour}`)!,
          alt: `${p.name} in ${palette[p.variants[0]!.colour]![0].toLowerCase()}`,
          width: artSize,
          height: artSize,
          position: 0,
        })),
      );
      variants += variantRows.length;
    });
    options.onProgress?.(start + batch.length, options.products);
  }
  await options.rebuildDerived?.();
  await bulk.analyzeAfterBulkLoad(db);
  return { categories: created, products: options.products, variants, images: options.products, imagesDrawn: imageKeys.size };
}
