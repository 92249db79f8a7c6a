import type { Db } from '../../db/database.js';
import type { ProductOption, ProductStatus } from './catalog.tables.js';

/** A category with its place in the tree, for paths and facet labels. */
export interface IndexCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  position: number;
}

/** Everything the search index keeps of one product (any status), read in a few set-based queries. */
export interface IndexProduct {
  id: string;
  slug: string;
  name: string;
  /** The Markdown source: words are words, whatever the markup. */
  description: string;
  status: ProductStatus;
  featured: boolean;
  createdAt: Date;
  tags: string[];
  options: ProductOption[];
  /** The category, with its ancestors and itself root first in `path` (ids), `slugs` and `names`. */
  category: { id: string; slug: string; name: string; path: string[]; slugs: string[]; names: string[] };
  variants: { id: string; sku: string; priceAmount: number; compareAtAmount: number | null; currency: string; options: Record<string, string> }[];
  /** The first image by position, or null. */
  image: { key: string; alt: string; width: number; height: number; widths: number[]; formats: string[] } | null;
}

/**
 * The catalog's read for indexers: products by id with what a listing, a filter or a facet needs, the
 * category tree (collections come from the collections service's `collectionDefinitions()`). It lives
 * here so the search module reads the catalog through its public face and never queries its tables.
 */
export interface CatalogIndexSource {
  products(ids: readonly string[]): Promise<IndexProduct[]>;
  /** Product ids in id order after `after` (null: from the start), for batched rebuilds. */
  productIdsAfter(after: string | null, limit: number): Promise<string[]>;
  categories(): Promise<IndexCategory[]>;
}

/** Ancestors first, the category itself last; a cycle (which the schema forbids) stops the walk. */
export function categoryPath(categories: ReadonlyMap<string, IndexCategory>, id: string): IndexCategory[] {
  const path: IndexCategory[] = [];
  const seen = new Set<string>();
  for (let at = categories.get(id); at !== undefined && !seen.has(at.id); at = at.parentId === null ? undefined : categories.get(at.parentId)) {
    seen.add(at.id);
    path.unshift(at);
  }
  return path;
}

export function createCatalogIndexSource(deps: { db: Db }): CatalogIndexSource {
  const { db } = deps;

  const categories = async (): Promise<IndexCategory[]> => {
    const rows = await db.selectFrom('category').select(['id', 'slug', 'name', 'parent_id', 'position']).orderBy('position').orderBy('name').execute();
    return rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, parentId: r.parent_id, position: r.position }));
  };

  return {
    categories,

    async products(ids) {
      if (ids.length === 0) return [];
      const unique = [...new Set(ids)];
      const [products, variants, images, tree] = await Promise.all([
        db
          .selectFrom('product')
          .select(['id', 'slug', 'name', 'description', 'status', 'featured', 'created_at', 'tags', 'options', 'category_id'])
          .where('id', 'in', unique)
          .execute(),
        db
          .selectFrom('product_variant')
          .select(['id', 'product_id', 'sku', 'price_amount', 'compare_at_amount', 'currency', 'options'])
          .where('product_id', 'in', unique)
          .orderBy('product_id')
          .orderBy('position')
          .execute(),
        db
          .selectFrom('product_image')
          .distinctOn('product_id')
          .select(['product_id', 'storage_key', 'alt', 'width', 'height', 'widths', 'formats'])
          .where('product_id', 'in', unique)
          .orderBy('product_id')
          .orderBy('position')
          .execute(),
        categories(),
      ]);
      const byId = new Map(tree.map((c) => [c.id, c]));
      const variantsOf = groupBy(variants, (v) => v.product_id);
      const imageOf = new Map(images.map((i) => [i.product_id, i]));
      return products.map((p) => {
        const path = categoryPath(byId, p.category_id);
        const own = byId.get(p.category_id);
        const image = imageOf.get(p.id);
        return {
          id: p.id,
          slug: p.slug,
          name: p.name,
          description: p.description,
          status: p.status,
          featured: p.featured,
          createdAt: p.created_at,
          tags: p.tags,
          options: p.options,
          category: { id: p.category_id, slug: own?.slug ?? '', name: own?.name ?? '', path: path.map((c) => c.id), slugs: path.map((c) => c.slug), names: path.map((c) => c.name) },
          variants: (variantsOf.get(p.id) ?? []).map((v) => ({
            id: v.id,
            sku: v.sku,
            priceAmount: v.price_amount,
            compareAtAmount: v.compare_at_amount,
            currency: v.currency,
            options: v.options,
          })),
          image: image ? { key: image.storage_key, alt: image.alt, width: image.width, height: image.height, widths: image.widths, formats: image.formats } : null,
        };
      });
    },

    async productIdsAfter(after, limit) {
      let q = db.selectFrom('product').select('id').orderBy('id').limit(limit);
      if (after !== null) q = q.where('id', '>', after);
      return (await q.execute()).map((r) => r.id);
    },
  };
}

function groupBy<T>(rows: readonly T[], key: (row: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    const list = groups.get(k);
    if (list) list.push(row);
    else groups.set(k, [row]);
  }
  return groups;
}
