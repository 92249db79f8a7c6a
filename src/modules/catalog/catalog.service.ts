import type { Db } from '../../db/database.js';
import type { MediaUrls } from '../media/index.js';
import type { InventoryService, VariantStock } from '../inventory/index.js';
import type { ProductImageRow } from './catalog.tables.js';
import { categoryNotFound, productNotFound } from './catalog.errors.js';
import * as repo from './catalog.repository.js';
import type { CategorySummary, ImageRef, Page, ProductDetail, ProductSummary, ProductVariant, StockLevel } from './catalog.types.js';

export interface CatalogService {
  listCategories: () => Promise<CategorySummary[]>;
  getCategory: (slug: string) => Promise<CategorySummary>;
  listProducts: (query: { category?: string; limit: number; offset: number; featuredFirst?: boolean }) => Promise<Page<ProductSummary>>;
  getProduct: (idOrSlug: string) => Promise<ProductDetail>;
  /** Summaries of the named products that are for sale, in no particular order; unknown refs are left out. */
  findProducts: (refs: { ids?: string[]; slugs?: string[] }) => Promise<ProductSummary[]>;
}

/** Reads of the public catalog. Only active products are ever visible here. */
export function createCatalogService(deps: { db: Db; inventory: InventoryService; media: MediaUrls }): CatalogService {
  const { db, inventory, media } = deps;
  const soldOut: VariantStock = { available: 0, level: 'sold_out' };

  const image = (row: Pick<ProductImageRow, 'storage_key' | 'alt' | 'width' | 'height'> & Partial<Pick<ProductImageRow, 'widths' | 'formats'>>): ImageRef =>
    media.image({ key: row.storage_key, alt: row.alt, width: row.width, height: row.height, widths: row.widths ?? [], formats: row.formats ?? [] });

  const summaries = async (rows: repo.ProductSummaryRow[]): Promise<ProductSummary[]> => {
    const stock = await inventory.productStock(rows.map((r) => r.id));
    return rows.map((r) => toSummary(r, stock.get(r.id) ?? soldOut));
  };

  const toSummary = (r: repo.ProductSummaryRow, stock: VariantStock): ProductSummary => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    category: { slug: r.category_slug, name: r.category_name },
    price: { amount: r.price_amount, currency: r.currency },
    compareAtPrice: r.compare_at_amount !== null ? { amount: r.compare_at_amount, currency: r.currency } : null,
    stock: stock.level,
    image:
      r.image_key !== null
        ? image({ storage_key: r.image_key, alt: r.image_alt ?? r.name, width: r.image_width ?? 1, height: r.image_height ?? 1, widths: r.image_widths ?? [], formats: r.image_formats ?? [] })
        : null,
  });

  const toCategory = (r: repo.CategoryRowWithCover): CategorySummary => ({
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    parentId: r.parent_id,
    seo: { title: r.seo_title, description: r.seo_description },
    image:
      r.cover_key !== null
        ? image({ storage_key: r.cover_key, alt: r.cover_alt ?? r.name, width: r.cover_width ?? 1, height: r.cover_height ?? 1, widths: r.cover_widths ?? [], formats: r.cover_formats ?? [] })
        : null,
  });

  // One category's row and cover, not the whole list: a category page must not pay for every tile.
  const categoryBySlug = async (slug: string): Promise<CategorySummary> => {
    const [found] = await repo.findCategories(db, { slug });
    if (!found) throw categoryNotFound(slug);
    return toCategory(found);
  };

  const service: CatalogService = {
    async listCategories() {
      return (await repo.findCategories(db)).map(toCategory);
    },

    getCategory: categoryBySlug,

    async listProducts(query) {
      const categoryId = query.category !== undefined ? (await categoryBySlug(query.category)).id : undefined;
      const filter = { limit: query.limit, offset: query.offset, featuredFirst: query.featuredFirst ?? false, ...(categoryId ? { categoryId } : {}) };
      const [rows, total] = await Promise.all([repo.findProductSummaries(db, filter), repo.countProducts(db, categoryId)]);
      return { items: await summaries(rows), total, limit: query.limit, offset: query.offset };
    },

    async findProducts(refs) {
      const ids = refs.ids ?? [];
      const slugs = refs.slugs ?? [];
      if (ids.length + slugs.length === 0) return [];
      const rows = await repo.findProductSummaries(db, { ids, slugs, limit: ids.length + slugs.length, offset: 0 });
      return summaries(rows);
    },

    async getProduct(idOrSlug) {
      // One round trip: the inventory module lends the stock sub-select rather than the catalog reading its table.
      const product = await repo.findActiveProductDetail(db, idOrSlug, (variantId) => inventory.variantStockSql(variantId));
      if (!product) throw productNotFound(idOrSlug);
      const variants = product.variants.map((v) => toVariant(v, inventory.stockOf(v.stock)));
      const imageRows = product.images;
      const cheapest = [...variants].sort((a, b) => a.price.amount - b.price.amount)[0];
      if (!cheapest) throw productNotFound(idOrSlug);
      return {
        id: product.id,
        slug: product.slug,
        name: product.name,
        description: product.description,
        options: product.options,
        descriptionHtml: product.description_html,
        category: { slug: product.category_slug, name: product.category_name },
        price: cheapest.price,
        compareAtPrice: cheapest.compareAtPrice,
        stock: productLevel(variants),
        images: imageRows.map(image),
        variants,
        seo: { title: product.seo_title, description: product.seo_description },
      };
    },
  };
  return service;
}

function toVariant(row: repo.DetailVariant, stock: VariantStock): ProductVariant {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: { amount: row.price_amount, currency: row.currency },
    compareAtPrice: row.compare_at_amount !== null ? { amount: row.compare_at_amount, currency: row.currency } : null,
    stock: stock.level,
    available: stock.available,
  };
}

/** A product is sold out when every variant is, low on stock when every variant still sold is. */
function productLevel(variants: ProductVariant[]): StockLevel {
  if (variants.every((v) => v.stock === 'sold_out')) return 'sold_out';
  return variants.some((v) => v.stock === 'in_stock') ? 'in_stock' : 'low_stock';
}
