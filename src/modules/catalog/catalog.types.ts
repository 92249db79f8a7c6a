import type { Money } from '../../kernel/money.js';
import type { ImageRef } from '../media/index.js';

export type { ImageRef };

export interface CategorySummary {
  id: string;
  slug: string;
  name: string;
  description: string;
  /** The category above it in the tree; null at the top level (the storefront menu shows those). */
  parentId: string | null;
  /** The newest product's first image, for category tiles. */
  image: ImageRef | null;
  /** Title and meta description for search engines; empty: the name and a trimmed description. */
  seo: SeoFields;
}

export interface SeoFields {
  title: string;
  description: string;
}

export type StockLevel = 'in_stock' | 'low_stock' | 'sold_out';

export interface ProductSummary {
  id: string;
  slug: string;
  name: string;
  category: { slug: string; name: string };
  price: Money;
  compareAtPrice: Money | null;
  stock: StockLevel;
  image: ImageRef | null;
  /** The product's only variant, which its card adds to the cart; absent when there are options to choose. */
  soleVariantId?: string;
}

export interface ProductVariant {
  id: string;
  sku: string;
  title: string;
  options: Record<string, string>;
  price: Money;
  compareAtPrice: Money | null;
  stock: StockLevel;
  available: number;
}

export interface ProductDetail extends Omit<ProductSummary, 'image' | 'soleVariantId'> {
  description: string;
  /** The product's options in display order (e.g. Colour, then Size), as the merchant declared them. */
  options?: { name: string; values: string[] }[];
  /** The description's Markdown rendered and sanitised on write; empty for rows written before that. */
  descriptionHtml: string;
  images: ImageRef[];
  variants: ProductVariant[];
  /** Title and meta description for search engines; empty: the name and a trimmed description. */
  seo: SeoFields;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}
