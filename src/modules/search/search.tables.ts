import type { ColumnType, Generated, Selectable } from 'kysely';
import type { UpdatedAt } from '../../db/columns.js';

/** The search module's tables, by name; db/schema.ts composes every module's. */
export interface SearchTables {
  search_document: SearchDocumentTable;
  search_word: SearchWordTable;
}

/** The vocabulary of the index, for typo tolerance: one row per word (never pruned; a stale word finds nothing). */
export interface SearchWordTable {
  word: string;
}

/** The card image a listing shows, with its responsive renditions. */
export interface DocumentImage {
  key: string;
  alt: string;
  width: number;
  height: number;
  widths: number[];
  formats: string[];
}

/** One row per product: everything a listing, filter, sort or facet needs, kept by the indexer. */
export interface SearchDocumentTable {
  product_id: string;
  status: string;
  slug: string;
  name: string;
  category_id: string;
  category_path: string[];
  category_slug: string;
  category_name: string;
  collection_ids: string[];
  tags: string[];
  featured: Generated<boolean>;
  currency: string;
  price_min: number;
  price_max: number;
  compare_at_amount: number | null;
  on_sale: Generated<boolean>;
  available: Generated<number>;
  in_stock: Generated<boolean>;
  low_stock_threshold: Generated<number>;
  image: ColumnType<DocumentImage | null, string | null, string | null>;
  /** The product's only variant, which a card adds to the cart; null when there are options to choose. */
  sole_variant_id: string | null;
  facets: string[];
  /** Written with to_tsvector(...) by the repository; never read back as a value. */
  document: ColumnType<string, unknown, unknown>;
  search_text: string;
  product_created_at: ColumnType<Date, Date | string, Date | string>;
  updated_at: UpdatedAt;
}

export type SearchDocumentRow = Selectable<SearchDocumentTable>;
