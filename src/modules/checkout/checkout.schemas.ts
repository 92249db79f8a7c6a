import { Type } from 'typebox';

/**
 * Shapes of the checkout's forms and API. Every body rejects unknown fields (400 VALIDATION_FAILED,
 * nothing stored); a price, total or tax sent to the API is refused before that with its own code
 * (CHECKOUT_PRICE_NOT_ACCEPTED). Form fields are loose strings so a bad value gets the service's
 * sentence at its field, not an error page; their lengths are still bounded.
 */
const strict = { additionalProperties: false } as const;
const text = (max = 300) => Type.Optional(Type.String({ maxLength: max }));

const addressFormFields = (prefix: string) =>
  Object.fromEntries(['Name', 'Line1', 'Line2', 'City', 'Region', 'PostalCode', 'Country', 'Phone'].map((k) => [`${prefix}${k}`, text()]));

export const contactFormFields = [
  'email', 'savedAddress', 'billing', 'saveAddress',
  ...['ship', 'bill'].flatMap((p) => ['Name', 'Line1', 'Line2', 'City', 'Region', 'PostalCode', 'Country', 'Phone'].map((k) => `${p}${k}`)),
] as const;

export const ContactForm = Type.Object(
  {
    email: text(),
    savedAddress: text(64),
    billing: Type.Optional(Type.Union([Type.Literal('same'), Type.Literal('different')])),
    saveAddress: Type.Optional(Type.Literal('yes')),
    ...addressFormFields('ship'),
    ...addressFormFields('bill'),
  },
  strict,
);
export const ShippingForm = Type.Object({ shippingMethodId: text(100) }, strict);
export const PaymentForm = Type.Object({ provider: text(20) }, strict);
export const DiscountForm = Type.Object({ discountCode: text(100) }, strict);
export const PlaceForm = Type.Object({ attempt: Type.String({ minLength: 1, maxLength: 160 }) }, strict);
export const ReviewQuery = Type.Object({ cancelled: text(10), expired: text(10) });
export const CompleteParams = Type.Object({ number: Type.String({ minLength: 1, maxLength: 40, pattern: '^[A-Za-z0-9-]+$' }) }, strict);
export const CompleteQuery = Type.Object({ token: text(500) });

const nullableText = (max: number) => Type.Optional(Type.Union([Type.String({ maxLength: max }), Type.Null()]));
const ApiAddress = Type.Object(
  {
    name: Type.String({ maxLength: 100 }),
    line1: Type.String({ maxLength: 200 }),
    line2: nullableText(200),
    city: Type.String({ maxLength: 100 }),
    region: nullableText(100),
    postalCode: nullableText(20),
    country: Type.String({ maxLength: 2, description: 'ISO 3166-1 alpha-2, like GB' }),
    phone: nullableText(30),
  },
  strict,
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ description: 'One per checkout attempt: 16 to 128 of A-Z a-z 0-9 - _ (a UUID will do). The same key returns the same order.' })),
});

/** The whole checkout in one request. No price field exists here: the server prices the cart. */
export const CheckoutBody = Type.Object(
  {
    email: Type.String({ maxLength: 254 }),
    shippingAddress: ApiAddress,
    billingAddress: Type.Optional(ApiAddress),
    shippingMethodId: Type.String({ minLength: 1, maxLength: 100 }),
    provider: Type.String({ minLength: 1, maxLength: 20 }),
    discountCode: nullableText(64),
    currency: Type.Optional(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'The currency the client showed; refused unless it is the shop’s' })),
  },
  strict,
);

const MoneyShape = Type.Object({ amount: Type.Integer(), currency: Type.String() });
export const PlacedResponse = Type.Object({
  order: Type.Object({ id: Type.String(), number: Type.String(), status: Type.String(), total: MoneyShape, email: Type.String(), createdAt: Type.String() }),
  payment: Type.Object({
    id: Type.String(),
    action: Type.Union([
      Type.Object({ type: Type.Literal('redirect'), url: Type.String() }),
      Type.Object({ type: Type.Literal('stripe'), clientSecret: Type.String(), publishableKey: Type.String() }),
    ]),
  }),
  next: Type.String({ description: 'Where to send the shopper now: the gateway page or the payment page' }),
});

export const QuoteQuery = Type.Object(
  { country: text(2), region: text(100), shippingMethodId: text(100), discountCode: text(64) },
  strict,
);

/** Names of fields that carry an amount: never accepted from a client, at any depth. */
const priceNames = /^(price|prices|unitPrice|unit_price|amount|subtotal|total|totals|grandTotal|tax|taxes|taxAmount|discount|discountAmount|discountTotal|shipping|shippingPrice|shippingCost|shippingAmount|shippingTotal)$/i;

/** The paths of price-like fields in a request body (`lines.0.unitPrice`), to refuse them by name. */
export function priceFieldsIn(body: unknown, path = ''): string[] {
  if (body === null || typeof body !== 'object') return [];
  const found: string[] = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    const at = path === '' ? key : `${path}.${key}`;
    if (priceNames.test(key)) found.push(at);
    else found.push(...priceFieldsIn(value, at));
  }
  return found.slice(0, 20);
}
