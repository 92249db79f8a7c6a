import type { Db } from '../../db/database.js';
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { CategoryRow, CategoryTable, ProductImageRow, ProductImageTable, ProductRow, ProductTable, ProductVariantRow, ProductVariantTable } from './catalog.tables.js';
import type { StockCell } from '../inventory/index.js';

/** One row per product for listings: the cheapest variant's price and the first image. */
export interface ProductSummaryRow {
  id: string;
  slug: string;
  name: string;
  category_slug: string;
  category_name: string;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  image_key: string | null;
  image_alt: string | null;
  image_width: number | null;
  image_height: number | null;
  image_widths: number[] | null;
  image_formats: string[] | null;
}

export interface CategoryRowWithCover extends CategoryRow {
  cover_key: string | null;
  cover_alt: string | null;
  cover_width: number | null;
  cover_height: number | null;
  cover_widths: number[] | null;
  cover_formats: string[] | null;
}

/**
 * Categories in display order, each with its newest active product's first image for a tile. Every page
 * reads this (the menu), so its cost must not grow with the catalog: no counts, and per category two
 * index probes (product_category_newest_idx, then the product's images) that stop at the first match.
 */
export async function findCategories(db: Db, filter: { slug?: string } = {}): Promise<CategoryRowWithCover[]> {
  let q = db
    .selectFrom('category as c')
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('product as p')
          .whereRef('p.category_id', '=', 'c.id')
          .where('p.status', '=', 'active')
          .where((w) => w.exists(w.selectFrom('product_image as pi').select('pi.id').whereRef('pi.product_id', '=', 'p.id')))
          .select('p.id')
          .orderBy('p.created_at', 'desc')
          .limit(1)
          .as('newest'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('product_image as i')
          .whereRef('i.product_id', '=', 'newest.id')
          .select(['i.storage_key as cover_key', 'i.alt as cover_alt', 'i.width as cover_width', 'i.height as cover_height', 'i.widths as cover_widths', 'i.formats as cover_formats'])
          .orderBy('i.position')
          .limit(1)
          .as('cover'),
      (join) => join.onTrue(),
    )
    .selectAll('c')
    .select(['cover.cover_key', 'cover.cover_alt', 'cover.cover_width', 'cover.cover_height', 'cover.cover_widths', 'cover.cover_formats']);
  if (filter.slug !== undefined) q = q.where('c.slug', '=', filter.slug);
  return q.orderBy('c.position').orderBy('c.name').execute();
}

export async function findCategoryBySlug(db: Db, slug: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('category').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export interface ProductQuery {
  categoryId?: string;
  ids?: string[];
  slugs?: string[];
  featuredFirst?: boolean;
  limit: number;
  offset: number;
}

export async function findProductSummaries(db: Db, query: ProductQuery): Promise<ProductSummaryRow[]> {
  let q = db
    .selectFrom('product as p')
    .innerJoin('category as c', 'c.id', 'p.category_id')
    .innerJoinLateral(
      (eb) =>
        eb
          .selectFrom('product_variant as v')
          .whereRef('v.product_id', '=', 'p.id')
          .select(['v.price_amount', 'v.compare_at_amount', 'v.currency'])
          .orderBy('v.price_amount')
          .orderBy('v.position')
          .limit(1)
          .as('v'),
      (join) => join.onTrue(),
    )
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom('product_image as i')
          .whereRef('i.product_id', '=', 'p.id')
          .select(['i.storage_key', 'i.alt', 'i.width', 'i.height', 'i.widths', 'i.formats'])
          .orderBy('i.position')
          .limit(1)
          .as('i'),
      (join) => join.onTrue(),
    )
    .where('p.status', '=', 'active')
    .select([
      'p.id',
      'p.slug',
      'p.name',
      'c.slug as category_slug',
      'c.name as category_name',
      'v.price_amount',
      'v.compare_at_amount',
      'v.currency',
      'i.storage_key as image_key',
      'i.alt as image_alt',
      'i.width as image_width',
      'i.height as image_height',
      'i.widths as image_widths',
      'i.formats as image_formats',
    ]);
  if (query.categoryId !== undefined) q = q.where('p.category_id', '=', query.categoryId);
  if (query.ids !== undefined || query.slugs !== undefined) {
    const ids = query.ids ?? [];
    const slugs = query.slugs ?? [];
    q = q.where((eb) => eb.or([...(ids.length ? [eb('p.id', 'in', ids)] : []), ...(slugs.length ? [eb('p.slug', 'in', slugs)] : [])]));
  }
  if (query.featuredFirst) q = q.orderBy('p.featured', 'desc');
  const rows = await q.orderBy('p.created_at', 'desc').orderBy('p.name').limit(query.limit).offset(query.offset).execute();
  return rows;
}

export async function countProducts(db: Db, categoryId?: string): Promise<number> {
  let q = db.selectFrom('product').where('status', '=', 'active').select((eb) => eb.fn.countAll<string>().as('n'));
  if (categoryId !== undefined) q = q.where('category_id', '=', categoryId);
  const row = await q.executeTakeFirstOrThrow();
  return Number(row.n);
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function findActiveProduct(db: Db, idOrSlug: string): Promise<(ProductRow & { category_slug: string; category_name: string }) | undefined> {
  return db
    .selectFrom('product as p')
    .innerJoin('category as c', 'c.id', 'p.category_id')
    .selectAll('p')
    .select(['c.slug as category_slug', 'c.name as category_name'])
    .where('p.status', '=', 'active')
    .where(uuidPattern.test(idOrSlug) ? 'p.id' : 'p.slug', '=', idOrSlug)
    .executeTakeFirst();
}

/** A variant as the product statement aggregates it, with the stock cell the inventory module's fragment yields. */
export type DetailVariant = Pick<ProductVariantRow, 'id' | 'sku' | 'title' | 'options' | 'price_amount' | 'compare_at_amount' | 'currency'> & { stock: StockCell | null };
export type DetailImage = Pick<ProductImageRow, 'storage_key' | 'alt' | 'width' | 'height' | 'widths' | 'formats'>;

/**
 * An active product with its category, variants (each with its stock) and images, in one statement: the
 * variants and images are aggregated with `json_agg` in sub-selects (each an index scan on product_id),
 * the stock through the fragment the inventory module gives, so a product costs one round trip.
 */
export async function findActiveProductDetail(
  db: Db,
  idOrSlug: string,
  stockOf: (variantId: RawBuilder<unknown>) => RawBuilder<StockCell | null>,
): Promise<(ProductRow & { category_slug: string; category_name: string; variants: DetailVariant[]; images: DetailImage[] }) | undefined> {
  return db
    .selectFrom('product as p')
    .innerJoin('category as c', 'c.id', 'p.category_id')
    .selectAll('p')
    .select(['c.slug as category_slug', 'c.name as category_name'])
    .select(
      sql<DetailVariant[]>`coalesce((
        select json_agg(json_build_object('id', v.id, 'sku', v.sku, 'title', v.title, 'options', v.options, 'price_amount', v.price_amount,
          'compare_at_amount', v.compare_at_amount, 'currency', v.currency, 'stock', ${stockOf(sql`v.id`)}) order by v.position)
        from product_variant v where v.product_id = p.id), '[]'::json)`.as('variants'),
    )
    .select(
      sql<DetailImage[]>`coalesce((
        select json_agg(json_build_object('storage_key', i.storage_key, 'alt', i.alt, 'width', i.width, 'height', i.height,
          'widths', i.widths, 'formats', i.formats) order by i.position)
        from product_image i where i.product_id = p.id), '[]'::json)`.as('images'),
    )
    .where('p.status', '=', 'active')
    .where(uuidPattern.test(idOrSlug) ? 'p.id' : 'p.slug', '=', idOrSlug)
    .executeTakeFirst();
}

export async function findVariants(db: Db, productId: string): Promise<ProductVariantRow[]> {
  return db.selectFrom('product_variant').selectAll().where('product_id', '=', productId).orderBy('position').execute();
}

export async function findImages(db: Db, productId: string): Promise<ProductImageRow[]> {
  return db.selectFrom('product_image').selectAll().where('product_id', '=', productId).orderBy('position').execute();
}

export async function countCategories(db: Db): Promise<number> {
  const row = await db.selectFrom('category').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertCategory(db: Db, row: Insertable<CategoryTable>): Promise<string> {
  const { id } = await db.insertInto('category').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

export async function insertProduct(db: Db, row: Insertable<ProductTable>): Promise<string> {
  const { id } = await db.insertInto('product').values(row).returning('id').executeTakeFirstOrThrow();
  return id;
}

/** Inserts variants and returns their ids in the order given. */
export async function insertVariants(db: Db, rows: Insertable<ProductVariantTable>[]): Promise<string[]> {
  if (rows.length === 0) return [];
  const inserted = await db.insertInto('product_variant').values(rows).returning(['id', 'sku']).execute();
  const bySku = new Map(inserted.map((r) => [r.sku, r.id]));
  return rows.map((r) => bySku.get(r.sku)!);
}

export async function insertImages(db: Db, rows: Insertable<ProductImageTable>[]): Promise<void> {
  if (rows.length > 0) await db.insertInto('product_image').values(rows).execute();
}

/** What a sitemap lists of one kind: how many pages there are, and when the newest of them changed. */
export interface SitemapStats {
  count: number;
  lastModified: Date | null;
}

/** One storefront page for the sitemap: its slug and when it last changed. */
export interface SitemapRow {
  slug: string;
  updated_at: Date;
}

export type SitemapKind = 'products' | 'categories' | 'collections';

/**
 * Only what a shopper can open: active products, every category, published collections. The three
 * tables share the columns a sitemap reads (slug, updated_at), so one typed query serves them all.
 */
function sitemapQuery(db: Db, kind: SitemapKind) {
  const table = ({ products: 'product', categories: 'category', collections: 'collection' } as const)[kind] as 'product';
  return db
    .selectFrom(table)
    .$if(kind === 'products', (q) => q.where('status', '=', 'active'))
    .$if(kind === 'collections', (q) => q.where(sql<boolean>`published`));
}

export async function countSitemapEntries(db: Db, kind: SitemapKind): Promise<SitemapStats> {
  const row = await sitemapQuery(db, kind)
    .select((eb) => [eb.fn.countAll<number | string>().as('n'), eb.fn.max('updated_at').as('last')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), lastModified: row.last === null ? null : new Date(row.last) };
}

/** A page of a sitemap, in a stable order (slug) so every page lists each entry exactly once. */
export async function findSitemapEntries(db: Db, kind: SitemapKind, offset: number, limit: number): Promise<SitemapRow[]> {
  return sitemapQuery(db, kind).select(['slug', 'updated_at']).orderBy('slug').offset(offset).limit(limit).execute();
}
