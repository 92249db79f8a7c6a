import { Type } from 'typebox';

/** Request and response shapes of the stock API and pages; bodies refuse unknown fields. */
const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });

export const VariantParams = Type.Object({ variantId: Uuid });

export const StockFilter = Type.Union([Type.Literal('all'), Type.Literal('low'), Type.Literal('sold_out')]);

export const StockListQuery = Type.Object(
  {
    filter: Type.Optional(StockFilter),
    q: Type.Optional(Type.String({ maxLength: 120 })),
    product: Type.Optional(Uuid),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  strict,
);

/** The page tolerates an empty search box and an empty product filter (a GET form sends both). */
export const StockPageQuery = Type.Object({
  filter: Type.Optional(StockFilter),
  q: Type.Optional(Type.String({ maxLength: 120 })),
  product: Type.Optional(Type.Union([Uuid, Type.Literal('')])),
  page: Type.Integer({ minimum: 1, maximum: 100_000, default: 1 }),
});

export const VariantPageQuery = Type.Object({ done: Type.Optional(Type.Union([Type.Literal('adjusted'), Type.Literal('threshold')])) });

const Variant = Type.Union([
  Type.Object({ productId: Type.String(), productName: Type.String(), productSlug: Type.String(), sku: Type.String(), title: Type.String() }),
  Type.Null(),
]);

export const Level = Type.Object({
  variantId: Type.String(),
  productId: Type.String(),
  onHand: Type.Integer(),
  reserved: Type.Integer(),
  available: Type.Integer(),
  lowStockThreshold: Type.Integer(),
  level: Type.Union([Type.Literal('in_stock'), Type.Literal('low_stock'), Type.Literal('sold_out')]),
});

export const StockRow = Type.Intersect([Level, Type.Object({ variant: Variant })]);

export const StockList = Type.Object({
  items: Type.Array(StockRow),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  counts: Type.Object({ low: Type.Integer(), soldOut: Type.Integer() }),
});

export const Movement = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  onHandDelta: Type.Integer(),
  reservedDelta: Type.Integer(),
  onHandAfter: Type.Integer(),
  reservedAfter: Type.Integer(),
  reason: Type.String(),
  reference: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const VariantStock = Type.Object({ level: StockRow, movements: Type.Array(Movement), total: Type.Integer() });

export const AdjustmentBody = Type.Object(
  {
    delta: Type.Integer({ minimum: -1_000_000, maximum: 1_000_000 }),
    reason: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
  },
  strict,
);

export const ThresholdBody = Type.Object({ lowStockThreshold: Type.Integer({ minimum: 0, maximum: 1_000_000 }) }, strict);

export const Change = Type.Object({ before: Level, after: Level });

/** The adjustment form: text fields, checked by hand so the page can show its errors beside them. */
export const AdjustmentForm = Type.Object(
  {
    _csrf: Type.Optional(Type.String({ maxLength: 200 })),
    direction: Type.Optional(Type.String({ maxLength: 10 })),
    quantity: Type.Optional(Type.String({ maxLength: 20 })),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  strict,
);

export const ThresholdForm = Type.Object({ _csrf: Type.Optional(Type.String({ maxLength: 200 })), threshold: Type.Optional(Type.String({ maxLength: 20 })) }, strict);
