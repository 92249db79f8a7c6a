import { Type } from 'typebox';

/** Request and response shapes of the orders API; bodies refuse unknown fields (never a price from a client). */
const strict = { additionalProperties: false } as const;
const Uuid = Type.String({ format: 'uuid' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

export const Money = Type.Object({ amount: Type.Integer(), currency: Type.String({ pattern: '^[A-Z]{3}$' }) });
export const Status = Type.Union(
  ['pending_payment', 'paid', 'partially_fulfilled', 'fulfilled', 'delivered', 'cancelled', 'partially_refunded', 'refunded'].map((s) => Type.Literal(s)),
);

export const IdParams = Type.Object({ id: Uuid });
export const CustomerOrderParams = Type.Object({ id: Type.String({ maxLength: 40, pattern: '^[A-Za-z0-9-]+$' }) });
export const NumberParams = Type.Object({ number: Type.String({ maxLength: 20 }) });

export const PageQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  strict,
);

export const AdminListQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Status, Type.Literal('to_fulfil')])),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
    q: Type.Optional(Type.String({ maxLength: 254 })),
    limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
    offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
  },
  strict,
);

export const StatsQuery = Type.Object({ days: Type.Integer({ minimum: 1, maximum: 90, default: 14 }) }, strict);

const Address = Type.Object({
  name: Type.String(),
  line1: Type.String(),
  line2: Nullable(Type.String()),
  city: Type.String(),
  region: Nullable(Type.String()),
  postalCode: Type.String(),
  country: Type.String(),
  phone: Nullable(Type.String()),
});

export const Summary = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: Status,
  total: Money,
  email: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ListRow = Type.Intersect([Summary, Type.Object({ itemCount: Type.Integer(), customerId: Type.Union([Type.String(), Type.Null()]) })]);

export const CustomerList = Type.Object({ items: Type.Array(ListRow), total: Type.Integer(), limit: Type.Integer(), offset: Type.Integer() });

export const AdminList = Type.Object({
  items: Type.Array(ListRow),
  total: Type.Integer(),
  limit: Type.Integer(),
  offset: Type.Integer(),
  counts: Type.Record(Type.String(), Type.Integer()),
});

const Line = Type.Object({
  id: Type.String(),
  variantId: Type.String(),
  productId: Type.String(),
  productName: Type.String(),
  variantTitle: Type.String(),
  sku: Type.String(),
  unitPrice: Money,
  quantity: Type.Integer(),
  subtotal: Money,
  discount: Money,
  tax: Money,
  total: Money,
  fulfilledQuantity: Type.Integer(),
});

const Fulfilment = Type.Object({
  id: Type.String(),
  carrier: Nullable(Type.String()),
  trackingNumber: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  lines: Type.Array(Type.Object({ orderLineId: Type.String(), quantity: Type.Integer() })),
});

const viewFields = {
  customerId: Type.Union([Type.String(), Type.Null()]),
  totals: Type.Object({ subtotal: Money, discount: Money, shipping: Money, tax: Money, total: Money, refunded: Money, taxInclusive: Type.Boolean() }),
  shippingMethod: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  discountCode: Nullable(Type.String()),
  provider: Type.String(),
  lines: Type.Array(Line),
  shippingAddress: Type.Union([Address, Type.Null()]),
  billingAddress: Type.Union([Address, Type.Null()]),
  fulfilments: Type.Array(Fulfilment),
  timeline: Type.Array(Type.Object({ status: Type.Union([Status, Type.Null()]), message: Type.String(), at: Type.String({ format: 'date-time' }) })),
  holdExpiresAt: Type.String({ format: 'date-time' }),
  erased: Type.Boolean(),
};

export const View = Type.Intersect([Summary, Type.Object(viewFields)]);

const Payment = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  provider: Type.String(),
  status: Type.String(),
  amount: Money,
  captured: Money,
  refunded: Money,
  providerReference: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});

const Event = Type.Object({
  id: Type.String(),
  type: Type.String(),
  fromStatus: Type.Union([Status, Type.Null()]),
  toStatus: Type.Union([Status, Type.Null()]),
  actor: Type.Object({ type: Type.String(), id: Nullable(Type.String()) }),
  message: Type.String(),
  data: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Detail = Type.Intersect([
  View,
  Type.Object({ payments: Type.Array(Payment), events: Type.Array(Event), cancelRequested: Type.Boolean(), cancelReason: Nullable(Type.String()) }),
]);

export const FulfilBody = Type.Object(
  {
    lines: Type.Optional(Type.Array(Type.Object({ orderLineId: Uuid, quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }) }, strict), { minItems: 1, maxItems: 200 })),
    carrier: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
    trackingNumber: Type.Optional(Type.Union([Type.String({ maxLength: 100 }), Type.Null()])),
  },
  strict,
);

export const EmptyBody = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);

export const CancelBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 200 }) }, strict);

export const RefundBody = Type.Object(
  {
    amount: Type.Object({ amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000 }), currency: Type.String({ pattern: '^[A-Z]{3}$' }) }, strict),
    reason: Type.String({ minLength: 1, maxLength: 200 }),
  },
  strict,
);

export const MailBody = Type.Object({ mail: Type.Union([Type.Literal('confirmation'), Type.Literal('shipping'), Type.Literal('refund')]) }, strict);

export const Stats = Type.Object({
  currency: Type.String(),
  salesToday: Money,
  salesThisWeek: Money,
  ordersToday: Type.Integer(),
  toFulfil: Type.Integer(),
  daily: Type.Array(Type.Object({ date: Type.String(), sales: Money, orders: Type.Integer() })),
});

export const LinkQuery = Type.Object({ token: Type.Optional(Type.String({ maxLength: 100 })) });
