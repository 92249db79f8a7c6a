import { sql, type Insertable, type Updateable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ProductRow, ProductStatus, ProductTable, ProductVariantRow, ProductVariantTable } from './catalog.tables.js';

/** The product write side's SQL: the back office's list, locks, and the product and variant rows. */

export type AdminSort = 'name' | 'status' | 'updated' | 'price' | 'variants';

export interface AdminProductQuery {
  /** Matches a product's name or any of its variants' SKUs (case-insensitive substring). */
  q?: string;
  status?: ProductStatus;
  categoryId?: string;
  sort: AdminSort;
  direction: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export interface AdminProductRow {
  id: string;
  slug: string;
  name: string;
  status: ProductStatus;
  featured: boolean;
  category_name: string;
  variant_count: number;
  price_min: number | null;
  price_max: number | null;
  currency: string | null;
  updated_at: Date;
}

const likePattern = (q: string): string => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

function filtered(db: Db, query: Pick<AdminProductQuery, 'q' | 'status' | 'categoryId'>) {
  let q = db.selectFrom('product as p');
  if (query.status !== undefined) q = q.where('p.status', '=', query.status);
  if (query.categoryId !== undefined) q = q.where('p.category_id', '=', query.categoryId);
  if (query.q !== undefined && query.q !== '') {
    const pattern = likePattern(query.q);
    q = q.where((eb) =>
      eb.or([
        eb('p.name', 'ilike', pattern),
        eb.exists(eb.selectFrom('product_variant as sv').select(sql`1`.as('one')).whereRef('sv.product_id', '=', 'p.id').where('sv.sku', 'ilike', pattern)),
      ]),
    );
  }
  return q;
}

/** One page of the back office's product list, with the figures each row shows. */
export async function findAdminProducts(db: Db, query: AdminProductQuery): Promise<AdminProductRow[]> {
  const sortColumn = { name: 'p.name', status: 'p.status', updated: 'p.updated_at', price: 'price_min', variants: 'variant_count' } as const;
  const rows = await filtered(db, query)
    .innerJoin('category as c', 'c.id', 'p.category_id')
    .leftJoin(
      (eb) =>
        eb
          .selectFrom('product_variant')
          .select(['product_id', sql<number>`count(*)::int`.as('variant_count'), sql<number>`min(price_amount)`.as('price_min'), sql<number>`max(price_amount)`.as('price_max'), sql<string>`min(currency)`.as('currency')])
          .groupBy('product_id')
          .as('v'),
      (join) => join.onRef('v.product_id', '=', 'p.id'),
    )
    .select(['p.id', 'p.slug', 'p.name', 'p.status', 'p.featured', 'p.updated_at', 'c.name as category_name', 'v.price_min', 'v.price_max', 'v.currency', sql<number>`coalesce(v.variant_count, 0)`.as('variant_count')])
    .orderBy(sql`${sql.ref(sortColumn[query.sort])} ${sql.raw(query.direction === 'asc' ? 'asc nulls first' : 'desc nulls last')}`)
    .orderBy('p.id')
    .limit(query.limit)
    .offset(query.offset)
    .execute();
  return rows.map((r) => ({ ...r, variant_count: Number(r.variant_count), price_min: r.price_min === null ? null : Number(r.price_min), price_max: r.price_max === null ? null : Number(r.price_max) }));
}

export async function countAdminProducts(db: Db, query: Pick<AdminProductQuery, 'q' | 'status' | 'categoryId'>): Promise<number> {
  const row = await filtered(db, query).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Products by status, for the list's tabs. */
export async function countByStatus(db: Db, query: Pick<AdminProductQuery, 'q' | 'categoryId'>): Promise<Record<ProductStatus, number>> {
  const rows = await filtered(db, query).select(['p.status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('p.status').execute();
  const counts: Record<ProductStatus, number> = { active: 0, draft: 0, archived: 0 };
  for (const r of rows) counts[r.status] = Number(r.n);
  return counts;
}

export async function findProduct(db: Db, id: string): Promise<ProductRow | undefined> {
  return db.selectFrom('product').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Locks a product row for the rest of the transaction, so two edits of one product apply one after the other. */
export async function lockProduct(db: Db, id: string): Promise<ProductRow | undefined> {
  return db.selectFrom('product').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function lockProducts(db: Db, ids: readonly string[]): Promise<ProductRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('product').selectAll().where('id', 'in', ids).orderBy('id').forUpdate().execute();
}

export async function findProductIdBySlug(db: Db, slug: string): Promise<string | undefined> {
  return (await db.selectFrom('product').select('id').where('slug', '=', slug).executeTakeFirst())?.id;
}

/** Which of these slugs are in use, live or as an old slug that still redirects. */
export async function findUsedSlugs(db: Db, slugs: readonly string[]): Promise<Set<string>> {
  if (slugs.length === 0) return new Set();
  const live = await db.selectFrom('product').select('slug').where('slug', 'in', slugs).execute();
  const old = await db.selectFrom('slug_redirect').select('old_slug as slug').where('kind', '=', 'product').where('old_slug', 'in', slugs).execute();
  return new Set([...live, ...old].map((r) => r.slug));
}

export async function findVariantsOf(db: Db, productId: string): Promise<ProductVariantRow[]> {
  return db.selectFrom('product_variant').selectAll().where('product_id', '=', productId).orderBy('position').execute();
}

/** The owners of these SKUs: the variant and its product. */
export async function findSkuOwners(db: Db, skus: readonly string[]): Promise<{ sku: string; id: string; product_id: string }[]> {
  if (skus.length === 0) return [];
  return db.selectFrom('product_variant').select(['sku', 'id', 'product_id']).where('sku', 'in', skus).execute();
}

export async function findCategoryChoices(db: Db): Promise<{ id: string; slug: string; name: string }[]> {
  return db.selectFrom('category').select(['id', 'slug', 'name']).orderBy('position').orderBy('name').execute();
}

export async function findCategorySlugs(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom('category').select(['id', 'slug']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.slug]));
}

export async function insertProduct(db: Db, row: Insertable<ProductTable>): Promise<ProductRow> {
  return db.insertInto('product').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateProduct(db: Db, id: string, patch: Updateable<ProductTable>): Promise<ProductRow> {
  return db.updateTable('product').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function updateStatuses(db: Db, ids: readonly string[], status: ProductStatus, now: Date): Promise<void> {
  if (ids.length === 0) return;
  await db.updateTable('product').set({ status, updated_at: now }).where('id', 'in', ids).execute();
}

export async function insertVariant(db: Db, row: Insertable<ProductVariantTable>): Promise<ProductVariantRow> {
  return db.insertInto('product_variant').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateVariant(db: Db, id: string, patch: Updateable<ProductVariantTable>): Promise<ProductVariantRow> {
  return db.updateTable('product_variant').set(patch).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

export async function deleteVariants(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.deleteFrom('product_variant').where('id', 'in', ids).execute();
}

/** Moves SKUs out of the way for a reshuffle within one product (a unique column swaps in two steps). */
export async function parkSkus(db: Db, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.updateTable('product_variant').set({ sku: sql`'~moving~' || id::text` }).where('id', 'in', ids).execute();
}

/** Every product with its variants, for the CSV export, in a stable order. */
export async function findProductsForExport(db: Db, query: Pick<AdminProductQuery, 'q' | 'status' | 'categoryId'>): Promise<(ProductRow & { category_slug: string })[]> {
  return filtered(db, query).innerJoin('category as c', 'c.id', 'p.category_id').selectAll('p').select('c.slug as category_slug').orderBy('p.slug').execute();
}

export async function findVariantsOfProducts(db: Db, productIds: readonly string[]): Promise<ProductVariantRow[]> {
  if (productIds.length === 0) return [];
  return db.selectFrom('product_variant').selectAll().where('product_id', 'in', productIds).orderBy('product_id').orderBy('position').execute();
}
