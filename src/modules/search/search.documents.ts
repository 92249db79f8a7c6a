import type { CollectionDefinition, CollectionRule, IndexProduct, PriceBand } from '../catalog/index.js';

/** Collection definitions with each hand-picked list as a set, made once per batch. */
export type IndexedCollection = Pick<CollectionDefinition, 'id' | 'kind' | 'rules'> & { productIds: ReadonlySet<string> };

export function indexCollections(definitions: readonly CollectionDefinition[]): IndexedCollection[] {
  return definitions.map((d) => ({ id: d.id, kind: d.kind, rules: d.rules, productIds: new Set(d.productIds) }));
}
import type { VariantStock } from '../inventory/index.js';
import type { DocumentImage } from './search.tables.js';

/** Band edges in minor units; a product falls in the band of its lowest price. */
const bandEdges = [2_500, 5_000, 10_000, 20_000] as const;

export const priceBands: readonly PriceBand[] = [0, ...bandEdges].map((min, i) => {
  const max = bandEdges[i] ?? null;
  return { key: `${min}-${max ?? ''}`, min, max };
});

export function priceBandOf(amount: number): PriceBand {
  return priceBands.find((b) => amount >= b.min && (b.max === null || amount < b.max)) ?? priceBands[0]!;
}

/** The facet strings, as stored in search_document.facets and matched by filters. */
export const facet = {
  category: (id: string) => `category:${id}`,
  option: (name: string, value: string) => `option:${name}=${value}`,
  price: (band: PriceBand) => `price:${band.key}`,
  inStock: 'stock:in',
};

/** A document ready to write: the text columns are turned into a weighted tsvector by the repository. */
export interface DocumentInput {
  productId: string;
  status: string;
  slug: string;
  name: string;
  categoryId: string;
  categoryPath: string[];
  categorySlug: string;
  categoryName: string;
  collectionIds: string[];
  tags: string[];
  featured: boolean;
  currency: string;
  priceMin: number;
  priceMax: number;
  compareAtAmount: number | null;
  onSale: boolean;
  available: number;
  inStock: boolean;
  lowStockThreshold: number;
  image: DocumentImage | null;
  /** The only variant, when there is one: a card then adds it to the cart without a choice to make. */
  soleVariantId: string | null;
  facets: string[];
  /** Weight A: name and SKUs; B: tags, category path and option values; C: description. */
  text: { a: string; b: string; c: string };
  searchText: string;
  productCreatedAt: Date;
}

const lowStockDefault = 5;

/**
 * A threshold that gives back, with `available`, the level the inventory reported (its thresholds are
 * per variant; a listing needs only the product's level).
 */
function thresholdFor(stock: VariantStock): number {
  if (stock.level === 'low_stock') return Math.max(stock.available, 0);
  if (stock.level === 'in_stock') return Math.max(0, Math.min(lowStockDefault, stock.available - 1));
  return lowStockDefault;
}

/**
 * One document per product from its catalog data, its stock and the collection definitions; null for a
 * product that cannot be listed (no variant, so no price).
 */
export function buildDocument(product: IndexProduct, stock: VariantStock, collections: readonly IndexedCollection[]): DocumentInput | null {
  const cheapest = [...product.variants].sort((a, b) => a.priceAmount - b.priceAmount)[0];
  if (cheapest === undefined) return null;
  const prices = product.variants.map((v) => v.priceAmount);
  const onSale = product.variants.some((v) => v.compareAtAmount !== null && v.compareAtAmount > v.priceAmount);
  const priceMin = cheapest.priceAmount;
  const optionValues = new Map<string, Set<string>>();
  for (const option of product.options) optionValues.set(option.name, new Set());
  for (const variant of product.variants) {
    for (const [name, value] of Object.entries(variant.options)) {
      const values = optionValues.get(name) ?? new Set<string>();
      values.add(value);
      optionValues.set(name, values);
    }
  }
  const inStock = stock.available > 0;
  const facets = [
    ...product.category.path.map(facet.category),
    ...[...optionValues].flatMap(([name, values]) => [...values].map((v) => facet.option(name, v))),
    facet.price(priceBandOf(priceMin)),
    ...(inStock ? [facet.inStock] : []),
  ];
  const collectionIds = collections
    .filter((c) => (c.kind === 'rule' ? matchesRules(c.rules, { product, priceMin, onSale }) : c.productIds.has(product.id)))
    .map((c) => c.id);
  const skus = product.variants.map((v) => v.sku);
  const values = [...optionValues.values()].flatMap((v) => [...v]);
  return {
    productId: product.id,
    status: product.status,
    slug: product.slug,
    name: product.name,
    categoryId: product.category.id,
    categoryPath: product.category.path,
    categorySlug: product.category.slug,
    categoryName: product.category.name,
    collectionIds,
    tags: product.tags,
    featured: product.featured,
    currency: cheapest.currency,
    priceMin,
    priceMax: Math.max(...prices),
    compareAtAmount: cheapest.compareAtAmount,
    onSale,
    available: stock.available,
    inStock,
    lowStockThreshold: thresholdFor(stock),
    image: product.image,
    soleVariantId: product.variants.length === 1 ? product.variants[0]!.id : null,
    facets: [...new Set(facets)],
    text: {
      // SKUs as their parts: the parser would read "P-1234-2" as "p", "-1234", "-2" (signed numbers).
      a: [product.name, ...skus.map((sku) => sku.replace(/[^\p{L}\p{N}]+/gu, ' '))].join(' '),
      b: [...product.tags, ...product.category.names, ...values].join(' '),
      // A tsvector holds at most 1 MB; a description is prose, and its first 20,000 characters say enough.
      c: product.description.slice(0, 20_000),
    },
    searchText: [product.name, ...product.category.names, ...product.tags, ...values, ...skus].join(' ').toLowerCase().slice(0, 4_000),
    productCreatedAt: product.createdAt,
  };
}

interface RuleSubject {
  product: IndexProduct;
  priceMin: number;
  onSale: boolean;
}

/** A rule collection's rules against one product; a collection without rules holds nothing. */
export function matchesRules(rules: { match: 'all' | 'any'; rules: CollectionRule[] }, subject: RuleSubject): boolean {
  if (rules.rules.length === 0) return false;
  const results = rules.rules.map((rule) => matchesRule(rule, subject));
  return rules.match === 'any' ? results.some(Boolean) : results.every(Boolean);
}

function matchesRule(rule: CollectionRule, { product, priceMin, onSale }: RuleSubject): boolean {
  switch (rule.field) {
    case 'category': {
      // A category rule takes in the category's descendants, as the category page does.
      const value = String(rule.value);
      return product.category.path.includes(value) || product.category.slugs.includes(value);
    }
    case 'tag': {
      const value = String(rule.value).toLowerCase();
      return product.tags.some((t) => t.toLowerCase() === value);
    }
    case 'price': {
      const value = Number(rule.value);
      if (!Number.isFinite(value)) return false;
      if (rule.op === 'lt') return priceMin < value;
      if (rule.op === 'lte') return priceMin <= value;
      if (rule.op === 'gt') return priceMin > value;
      if (rule.op === 'gte') return priceMin >= value;
      return priceMin === value;
    }
    case 'on_sale':
      return onSale === (rule.value === true || rule.value === 'true');
    default:
      return false;
  }
}

