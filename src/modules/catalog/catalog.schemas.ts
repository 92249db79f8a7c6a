import { Type } from 'typebox';

const Money = Type.Object({ amount: Type.Integer(), currency: Type.String() });
const Image = Type.Object({ url: Type.String(), alt: Type.String(), width: Type.Integer(), height: Type.Integer() });
const Stock = Type.Union([Type.Literal('in_stock'), Type.Literal('low_stock'), Type.Literal('sold_out')]);

export const Category = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  parentId: Type.Union([Type.String(), Type.Null()]),
  image: Type.Union([Image, Type.Null()]),
});

/** The public tree: top-level categories, each with its subcategories (three levels at most). */
const CategoryLevel3 = Type.Object({ ...Category.properties, children: Type.Array(Type.Object({ id: Type.String() }), { maxItems: 0 }) });
const CategoryLevel2 = Type.Object({ ...Category.properties, children: Type.Array(CategoryLevel3) });
export const CategoryNode = Type.Object({ ...Category.properties, children: Type.Array(CategoryLevel2) });

export const ProductSummary = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  category: Type.Object({ slug: Type.String(), name: Type.String() }),
  price: Money,
  compareAtPrice: Type.Union([Money, Type.Null()]),
  stock: Stock,
  image: Type.Union([Image, Type.Null()]),
});

export const ProductDetail = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String(),
  category: Type.Object({ slug: Type.String(), name: Type.String() }),
  price: Money,
  compareAtPrice: Type.Union([Money, Type.Null()]),
  stock: Stock,
  images: Type.Array(Image),
  variants: Type.Array(
    Type.Object({
      id: Type.String(),
      sku: Type.String(),
      title: Type.String(),
      options: Type.Record(Type.String(), Type.String()),
      price: Money,
      compareAtPrice: Type.Union([Money, Type.Null()]),
      stock: Stock,
      available: Type.Integer(),
    }),
  ),
});

const Slug = Type.String({ pattern: '^[a-z0-9]+(-[a-z0-9]+)*$', maxLength: 120 });

/** Filters, sort and pagination shared by the product list and search APIs. */
export const ListingQueryFields = {
  category: Type.Optional(Slug),
  collection: Type.Optional(Slug),
  price_min: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Lowest price at least this, in minor units' })),
  price_max: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000_000, description: 'Lowest price at most this, in minor units' })),
  option: Type.Optional(
    Type.Array(Type.String({ pattern: '^[^:]{1,100}:.{1,100}$', description: 'Name:Value, e.g. Colour:Sage' }), {
      maxItems: 30,
      description: 'Option values: any value of one option, every option named',
    }),
  ),
  in_stock: Type.Optional(Type.Boolean()),
  limit: Type.Integer({ minimum: 1, maximum: 48, default: 24 }),
  offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
};

export const ProductListQuery = Type.Object(
  {
    ...ListingQueryFields,
    sort: Type.Optional(Type.Union([Type.Literal('featured'), Type.Literal('newest'), Type.Literal('price-asc'), Type.Literal('price-desc')])),
  },
  { additionalProperties: false },
);

export interface ListingQueryString {
  category?: string;
  collection?: string;
  price_min?: number;
  price_max?: number;
  option?: string[];
  in_stock?: boolean;
  limit: number;
  offset: number;
}

/** 'Colour:Sage' pairs to { Colour: ['Sage'] }. */
export function optionsOf(pairs: readonly string[] | undefined): Record<string, string[]> {
  const options: Record<string, string[]> = {};
  for (const pair of pairs ?? []) {
    const cut = pair.indexOf(':');
    (options[pair.slice(0, cut)] ??= []).push(pair.slice(cut + 1));
  }
  return options;
}

export const ProductRefParams = Type.Object({
  idOrSlug: Type.String({ pattern: '^[A-Za-z0-9-]{1,120}$' }),
});

export const SlugParams = Type.Object({ slug: Slug });

export const ProductPage = Type.Object({
  items: Type.Array(ProductSummary),
  /** Counted no further than 1,000: `totalCapped` then says there are more. */
  total: Type.Integer(),
  totalCapped: Type.Optional(Type.Boolean()),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

// Pages tolerate unknown query parameters (campaign tags and the like); the API does not.
export const PageQuery = Type.Object({ page: Type.Integer({ minimum: 1, maximum: 10_000, default: 1 }) });

export const ProductBatchBody = Type.Object(
  {
    ids: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 50, uniqueItems: true })),
    slugs: Type.Optional(Type.Array(Slug, { maxItems: 50, uniqueItems: true })),
  },
  { additionalProperties: false, minProperties: 1 },
);

/**
 * The product page's query: the image shown, a variant by id, and any option by name with its value
 * (`?Colour=Sage&Size=M`, what the variant picker's GET form sends). Option names are the merchant's, so
 * they are not listed: any other parameter is let through (their number is bounded, their length by the
 * URL limit), and one that names no option's value simply matches nothing.
 */
export const ProductPageQuery = Type.Object(
  {
    image: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    variant: Type.Optional(Type.String({ maxLength: 64 })),
  },
  // Not `additionalProperties: Type.String()`: TypeBox's Value.Convert then stops converting `image`.
  { additionalProperties: true, maxProperties: 20 },
);

export interface ProductPageQuery {
  image?: number;
  variant?: string;
  [option: string]: unknown;
}
