import { sql, type Insertable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { CategoryTable, ProductImageTable, ProductTable, ProductVariantTable } from './catalog.tables.js';

/**
 * Many-row inserts for loading a catalog in bulk (the generated catalog of `npm run seed -- --products N`):
 * one statement per table per batch instead of one per row. Callers keep a batch under PostgreSQL's
 * 65,535 bind parameters (a few hundred products with their variants).
 */

/** Existing categories with these slugs, by slug. */
export async function findCategoryIdsBySlug(db: Db, slugs: readonly string[]): Promise<Map<string, string>> {
  if (slugs.length === 0) return new Map();
  const rows = await db.selectFrom('category').select(['id', 'slug']).where('slug', 'in', slugs).execute();
  return new Map(rows.map((r) => [r.slug, r.id]));
}

export async function insertCategoryRow(db: Db, row: Insertable<CategoryTable>): Promise<string> {
  const { id } = await db.insertInto('category').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** How many products exist in any status: a bulk load numbers its slugs and SKUs after them. */
export async function countAllProducts(db: Db): Promise<number> {
  const row = await db.selectFrom('product').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Inserts products and returns their ids by slug. */
export async function insertProductRows(db: Db, rows: Insertable<ProductTable>[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted = await db.insertInto('product').values(rows).returning(['id', 'slug']).execute();
  return new Map(inserted.map((r) => [r.slug, r.id]));
}

/** Inserts variants and returns their ids by SKU. */
export async function insertVariantRows(db: Db, rows: Insertable<ProductVariantTable>[]): Promise<Map<string, string>> {
  if (rows.length === 0) return new Map();
  const inserted = await db.insertInto('product_variant').values(rows).returning(['id', 'sku']).execute();
  return new Map(inserted.map((r) => [r.sku, r.id]));
}

export async function insertImageRows(db: Db, rows: Insertable<ProductImageTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('product_image').values(rows).execute();
}

/**
 * Refreshes the planner's statistics after a bulk load. PGlite runs no autovacuum, so without this the
 * planner keeps the row estimates of an empty catalog and may choose plans that scan it whole.
 */
export async function analyzeAfterBulkLoad(db: Db): Promise<void> {
  await sql`analyze`.execute(db);
}
