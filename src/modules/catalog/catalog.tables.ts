import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The catalog module's tables, by name; db/schema.ts composes every module's. */
export interface CatalogTables {
  category: CategoryTable;
  product: ProductTable;
  product_variant: ProductVariantTable;
  product_image: ProductImageTable;
  slug_redirect: SlugRedirectTable;
  collection: CollectionTable;
  collection_product: CollectionProductTable;
}

export interface CategoryTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  position: number;
  parent_id: string | null;
  seo_title: Generated<string>;
  seo_description: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

/** An option and its values in display order, e.g. { name: 'Size', values: ['S', 'M', 'L'] }. */
export interface ProductOption {
  name: string;
  values: string[];
}

export type ProductStatus = 'active' | 'draft' | 'archived';

export interface ProductTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  category_id: string;
  status: ProductStatus;
  featured: ColumnType<boolean, boolean | undefined, boolean>;
  options: ColumnType<ProductOption[], string | undefined, string>;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  /** Sanitised HTML rendered from the Markdown `description` on write. */
  description_html: Generated<string>;
  seo_title: Generated<string>;
  seo_description: Generated<string>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface ProductVariantTable {
  id: Generated<string>;
  product_id: string;
  sku: string;
  title: string;
  /** Option name → value, e.g. { "Colour": "Sage", "Size": "M" }. */
  options: ColumnType<Record<string, string>, string, string>;
  price_amount: number;
  compare_at_amount: number | null;
  currency: string;
  weight_grams: number | null;
  barcode: string | null;
  position: number;
}

export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  storage_key: string;
  alt: string;
  width: number;
  height: number;
  /** Responsive renditions: each width exists in each format under `storage_key`; none for a single file. */
  widths: ColumnType<number[], number[] | undefined, number[]>;
  formats: ColumnType<string[], string[] | undefined, string[]>;
  position: number;
}

export type SlugKind = 'product' | 'category' | 'collection';

/** Every slug a product, category or collection has had, so old links answer 301. */
export interface SlugRedirectTable {
  kind: SlugKind;
  old_slug: string;
  target_id: string;
  created_at: CreatedAt;
}

export type CollectionRuleField = 'category' | 'tag' | 'price' | 'on_sale';

export interface CollectionRule {
  field: CollectionRuleField;
  /** 'eq' for category, tag and on_sale; 'lt', 'lte', 'gt', 'gte' for price (minor units). */
  op: 'eq' | 'lt' | 'lte' | 'gt' | 'gte';
  value: string | number | boolean;
}

export interface CollectionRules {
  match: 'all' | 'any';
  rules: CollectionRule[];
}

export interface CollectionTable {
  id: Generated<string>;
  slug: string;
  title: string;
  description: Generated<string>;
  description_html: Generated<string>;
  kind: 'manual' | 'rule';
  rules: ColumnType<CollectionRules, string | undefined, string>;
  published: Generated<boolean>;
  seo_title: Generated<string>;
  seo_description: Generated<string>;
  position: Generated<number>;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CollectionProductTable {
  collection_id: string;
  product_id: string;
  position: Generated<number>;
}

export type CategoryRow = Selectable<CategoryTable>;

export type ProductRow = Selectable<ProductTable>;

export type ProductVariantRow = Selectable<ProductVariantTable>;

export type ProductImageRow = Selectable<ProductImageTable>;

export type NewProduct = Insertable<ProductTable>;
