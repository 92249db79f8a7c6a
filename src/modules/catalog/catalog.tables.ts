import type { ColumnType, Generated, Insertable, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The catalog module's tables, by name; db/schema.ts composes every module's. */
export interface CatalogTables {
  category: CategoryTable;
  product: ProductTable;
  product_variant: ProductVariantTable;
  product_image: ProductImageTable;
}

export interface CategoryTable {
  id: Generated<string>;
  slug: string;
  name: string;
  description: string;
  position: number;
  created_at: CreatedAt;
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
  stock: number;
  position: number;
}

export interface ProductImageTable {
  id: Generated<string>;
  product_id: string;
  storage_key: string;
  alt: string;
  width: number;
  height: number;
  position: number;
}

export type CategoryRow = Selectable<CategoryTable>;

export type ProductRow = Selectable<ProductTable>;

export type ProductVariantRow = Selectable<ProductVariantTable>;

export type ProductImageRow = Selectable<ProductImageTable>;

export type NewProduct = Insertable<ProductTable>;
