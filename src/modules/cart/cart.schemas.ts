import { Type, type Static } from 'typebox';
import { priceFieldsRefused } from './cart.errors.js';

const strict = { additionalProperties: false } as const;

/**
 * A quantity is any JSON number here, so a fraction, zero or a negative gets the cart's own answer
 * (CART_INVALID_QUANTITY) rather than the schema's; the service checks it is a whole number in range.
 */
export const AddItemBody = Type.Object({ variantId: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Optional(Type.Number()) }, strict);
export type AddItemBody = Static<typeof AddItemBody>;
export const SetQuantityBody = Type.Object({ quantity: Type.Number() }, strict);
export const DiscountBody = Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }) }, strict);
export const LineParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const CartQuery = Type.Object(
  {
    country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
    region: Type.Optional(Type.String({ pattern: '^[A-Z0-9]{1,3}$' })),
  },
  strict,
);
export type CartQuery = Static<typeof CartQuery>;

/** Names a client might use to send a price: refused with a code of their own, before the schema's check. */
const priceLike = /(price|total|tax|amount|subtotal|currency|cost)/i;

/** Throws CART_PRICE_FIELDS_REFUSED when a body names any price-like field (the server computes them all). */
export function refusePriceFields(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const fields = Object.keys(body).filter((k) => priceLike.test(k));
  if (fields.length > 0) throw priceFieldsRefused(fields);
}
