import type { ProductSummary } from './catalog.types.js';

/**
 * The listing port: how the catalog's pages and API list products with filters, sort, facets and
 * pagination without knowing where the answer comes from. The catalog declares it and never imports its
 * implementation; the search module implements it over its one-row-per-product index and app.ts passes
 * it to the catalog plugin, so a listing page costs the same at 48 products as at 10,000.
 */
export interface CatalogBrowse {
  list(query: ListingQuery): Promise<ListingResult>;
}

export type ListingSort = 'relevance' | 'price-asc' | 'price-desc' | 'newest' | 'featured';

export const listingSorts: readonly ListingSort[] = ['relevance', 'price-asc', 'price-desc', 'newest', 'featured'];

/** Filters over active products; every one is optional and they combine with AND. */
export interface ListingFilters {
  /** Free text, cleaned and capped by the implementation; blank means no text filter. */
  text?: string;
  /** A category and its descendants. */
  categoryId?: string;
  /** The same by slug; an unknown slug matches nothing. */
  categorySlug?: string;
  collectionId?: string;
  /** Bounds on the product's lowest price, in minor units, inclusive. */
  priceMin?: number;
  priceMax?: number;
  /** Option name → accepted values: OR within an option, AND across options. */
  options?: Record<string, string[]>;
  inStock?: boolean;
}

export interface ListingQuery extends ListingFilters {
  sort: ListingSort;
  limit: number;
  offset: number;
  /** Whether to count facets over the matching set (pages do; plain lists do not). */
  facets?: boolean;
  /** False when only the items matter (home page, related products): `total` is then the items' count. */
  total?: boolean;
}

/** A price band in minor units: `min` inclusive, `max` exclusive (null: no upper bound). */
export interface PriceBand {
  key: string;
  min: number;
  max: number | null;
}

export interface ListingFacets {
  /** Every category holding a match, counted with its descendants' matches. */
  categories: { id: string; slug: string; name: string; parentId: string | null; count: number }[];
  price: (PriceBand & { count: number; selected: boolean })[];
  options: { name: string; values: { value: string; count: number; selected: boolean }[] }[];
  inStock: { count: number; selected: boolean };
}

export interface ListingResult {
  items: ProductSummary[];
  /** The number of matches, counted no further than a cap (see `totalCapped`). */
  total: number;
  /** True when there are more matches than `total` ("1,000+"); facet counts are then over the first `total`. */
  totalCapped?: boolean;
  limit: number;
  offset: number;
  facets?: ListingFacets;
  /** The words the text was reduced to; `fuzzy` when typo-tolerant matching found what full text did not. */
  text?: { terms: string[]; fuzzy: boolean };
}
