import type { Db } from '../../db/database.js';
import type { ProductImageRow, ProductVariantRow } from './catalog.tables.js';
import { categoryNotFound, productNotFound } from './catalog.errors.js';
import * as repo from './catalog.repository.js';
import type { CategorySummary, ImageRef, Page, ProductDetail, ProductSummary, ProductVariant, StockLevel } from './catalog.types.js';

/** Stock at or below this shows "Only N left". */
export const lowStockThreshold = 5;

export interface CatalogService {
  listCategories: () => Promise<CategorySummary[]>;
  getCategory: (slug: string) => Promise<CategorySummary>;
  listProducts: (query: { category?: string; limit: number; offset: number; featuredFirst?: boolean }) => Promise<Page<ProductSummary>>;
  getProduct: (idOrSlug: string) => Promise<ProductDetail>;
  /** Summaries of the named products that are for sale, in no particular order; unknown refs are left out. */
  findProducts: (refs: { ids?: string[]; slugs?: string[] }) => Promise<ProductSummary[]>;
}

/** Reads of the public catalog. Only active products are ever visible here. */
export function createCatalogService(deps: { db: Db; mediaUrl: (key: string) => string }): CatalogService {
  const { db, mediaUrl } = deps;

  const image = (row: Pick<ProductImageRow, 'storage_key' | 'alt' | 'width' | 'height'>): ImageRef => ({
    url: mediaUrl(row.storage_key),
    alt: row.alt,
    width: row.width,
    height: row.height,
  });

  const toSummary = (r: repo.ProductSummaryRow): ProductSummary => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    category: { slug: r.category_slug, name: r.category_name },
    price: { amount: r.price_amount, currency: r.currency },
    compareAtPrice: r.compare_at_amount !== null ? { amount: r.compare_at_amount, currency: r.currency } : null,
    stock: stockLevel(r.total_stock),
    image:
      r.image_key !== null
        ? image({ storage_key: r.image_key, alt: r.image_alt ?? r.name, width: r.image_width ?? 1, height: r.image_height ?? 1 })
        : null,
  });

  const categoryBySlug = async (slug: string): Promise<CategorySummary> => {
    const found = (await service.listCategories()).find((c) => c.slug === slug);
    if (!found) throw categoryNotFound(slug);
    return found;
  };

  const service: CatalogService = {
    async listCategories() {
      const rows = await repo.findCategories(db);
      return rows.map((r) => ({
        id: r.id,
        slug: r.slug,
        name: r.name,
        description: r.description,
        productCount: r.product_count,
        image:
          r.cover_key !== null
            ? image({ storage_key: r.cover_key, alt: r.cover_alt ?? r.name, width: r.cover_width ?? 1, height: r.cover_height ?? 1 })
            : null,
      }));
    },

    getCategory: categoryBySlug,

    async listProducts(query) {
      const categoryId = query.category !== undefined ? (await categoryBySlug(query.category)).id : undefined;
      const filter = { limit: query.limit, offset: query.offset, featuredFirst: query.featuredFirst ?? false, ...(categoryId ? { categoryId } : {}) };
      const [rows, total] = await Promise.all([repo.findProductSummaries(db, filter), repo.countProducts(db, categoryId)]);
      return { items: rows.map(toSummary), total, limit: query.limit, offset: query.offset };
    },

    async findProducts(refs) {
      const ids = refs.ids ?? [];
      const slugs = refs.slugs ?? [];
      if (ids.length + slugs.length === 0) return [];
      const rows = await repo.findProductSummaries(db, { ids, slugs, limit: ids.length + slugs.length, offset: 0 });
      return rows.map(toSummary);
    },

    async getProduct(idOrSlug) {
      const product = await repo.findActiveProduct(db, idOrSlug);
      if (!product) throw productNotFound(idOrSlug);
      const [variantRows, imageRows] = await Promise.all([repo.findVariants(db, product.id), repo.findImages(db, product.id)]);
      const variants = variantRows.map(toVariant);
      const cheapest = [...variants].sort((a, b) => a.price.amount - b.price.amount)[0];
      if (!cheapest) throw productNotFound(idOrSlug);
      return {
        id: product.id,
        slug: product.slug,
        name: product.name,
        description: product.description,
        category: { slug: product.category_slug, name: product.category_name },
        price: cheapest.price,
        compareAtPrice: cheapest.compareAtPrice,
        stock: stockLevel(variants.reduce((sum, v) => sum + v.available, 0)),
        images: imageRows.map(image),
        variants,
      };
    },
  };
  return service;
}

function toVariant(row: ProductVariantRow): ProductVariant {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: { amount: row.price_amount, currency: row.currency },
    compareAtPrice: row.compare_at_amount !== null ? { amount: row.compare_at_amount, currency: row.currency } : null,
    stock: stockLevel(row.stock),
    available: row.stock,
  };
}

export function stockLevel(available: number): StockLevel {
  if (available <= 0) return 'sold_out';
  return available <= lowStockThreshold ? 'low_stock' : 'in_stock';
}
