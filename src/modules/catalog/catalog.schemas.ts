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

export const ProductListQuery = Type.Object(
  {
    category: Type.Optional(Slug),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 24 }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000, default: 0 }),
  },
  { additionalProperties: false },
);

export const ProductRefParams = Type.Object({
  idOrSlug: Type.String({ pattern: '^[A-Za-z0-9-]{1,120}$' }),
});

export const SlugParams = Type.Object({ slug: Slug });

export const ProductPage = Type.Object({
  items: Type.Array(ProductSummary),
  total: Type.Integer(),
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
