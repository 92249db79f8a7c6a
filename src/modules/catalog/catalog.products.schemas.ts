import { Type } from 'typebox';

/** Shapes of the staff product API; request bodies refuse unknown fields. */
const strict = { additionalProperties: false } as const;
const Status = Type.Union([Type.Literal('active'), Type.Literal('draft'), Type.Literal('archived')]);
const Minor = Type.Integer({ minimum: 0, maximum: 100_000_000, description: 'Minor units of the shop currency (pence for GBP)' });

const Option = Type.Object({ name: Type.String({ maxLength: 40 }), values: Type.Array(Type.String({ maxLength: 60 }), { maxItems: 50 }) }, strict);

const VariantIn = Type.Object(
  {
    id: Type.Optional(Type.String({ format: 'uuid' })),
    sku: Type.String({ maxLength: 64 }),
    options: Type.Optional(Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 60 }))),
    price: Minor,
    compareAt: Type.Optional(Type.Union([Minor, Type.Null()])),
    weightGrams: Type.Optional(Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()])),
    barcode: Type.Optional(Type.Union([Type.String({ maxLength: 48 }), Type.Null()])),
    initialStock: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000 })),
  },
  strict,
);

const productFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  slug: Type.Optional(Type.String({ maxLength: 120 })),
  description: Type.Optional(Type.String({ maxLength: 20_000, description: 'Markdown' })),
  categoryId: Type.String({ format: 'uuid' }),
  status: Type.Optional(Status),
  featured: Type.Optional(Type.Boolean()),
  tags: Type.Optional(Type.Array(Type.String({ maxLength: 50 }), { maxItems: 30 })),
  seoTitle: Type.Optional(Type.String({ maxLength: 70 })),
  seoDescription: Type.Optional(Type.String({ maxLength: 320 })),
  options: Type.Optional(Type.Array(Option, { maxItems: 3 })),
  variants: Type.Optional(Type.Array(VariantIn, { maxItems: 100 })),
};

export const ProductCreateBody = Type.Object(productFields, strict);

export const ProductPatchBody = Type.Object(
  { ...productFields, name: Type.Optional(productFields.name), categoryId: Type.Optional(productFields.categoryId) },
  { ...strict, minProperties: 1 },
);

export const ProductParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const StatusBody = Type.Object({ ids: Type.Array(Type.String({ format: 'uuid' }), { minItems: 1, maxItems: 200, uniqueItems: true }), status: Status }, strict);

export const StatusResult = Type.Object({ changed: Type.Array(Type.String()), unchanged: Type.Array(Type.String()), unknown: Type.Array(Type.String()) });

export const ListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 200 })),
    status: Type.Optional(Status),
    category: Type.Optional(Type.String({ format: 'uuid' })),
    sort: Type.Optional(Type.Union(['name', 'status', 'updated', 'price', 'variants'].map((s) => Type.Literal(s)))),
    direction: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  strict,
);

const VariantOut = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.String(),
  options: Type.Record(Type.String(), Type.String()),
  price: Type.Integer(),
  compareAt: Type.Union([Type.Integer(), Type.Null()]),
  currency: Type.String(),
  weightGrams: Type.Union([Type.Integer(), Type.Null()]),
  barcode: Type.Union([Type.String(), Type.Null()]),
});

export const Product = Type.Object({
  id: Type.String(),
  slug: Type.String(),
  name: Type.String(),
  description: Type.String(),
  descriptionHtml: Type.String(),
  categoryId: Type.String(),
  status: Status,
  featured: Type.Boolean(),
  tags: Type.Array(Type.String()),
  seoTitle: Type.String(),
  seoDescription: Type.String(),
  options: Type.Array(Type.Object({ name: Type.String(), values: Type.Array(Type.String()) })),
  variants: Type.Array(VariantOut),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const ProductList = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.String(),
      slug: Type.String(),
      name: Type.String(),
      status: Status,
      featured: Type.Boolean(),
      categoryName: Type.String(),
      variantCount: Type.Integer(),
      priceMin: Type.Union([Type.Integer(), Type.Null()]),
      priceMax: Type.Union([Type.Integer(), Type.Null()]),
      currency: Type.Union([Type.String(), Type.Null()]),
      updatedAt: Type.String({ format: 'date-time' }),
    }),
  ),
  total: Type.Integer(),
  counts: Type.Object({ all: Type.Integer(), active: Type.Integer(), draft: Type.Integer(), archived: Type.Integer() }),
  limit: Type.Integer(),
  offset: Type.Integer(),
});

export const ImportReport = Type.Object({
  created: Type.Integer(),
  updated: Type.Integer(),
  variants: Type.Integer(),
});

export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
