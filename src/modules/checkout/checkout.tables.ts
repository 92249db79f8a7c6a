import type { Selectable } from 'kysely';

/** The checkout module's tables, by name; db/schema.ts composes every module's. */
export interface CheckoutTables {
  checkout_session: CheckoutSessionTable;
  checkout_idempotency_key: CheckoutIdempotencyKeyTable;
}

/**
 * One shopper's checkout in progress, keyed by their cart (src/modules/checkout). The contact and the
 * addresses are personal data: sealed together as one JSON value bound to the row id. Shipping method,
 * payment provider and discount code are choices, not personal data. `attempt_key` is the idempotency
 * key of the current attempt to place the order (one per review form); `access_hash` the SHA-256 of the
 * token in this browser's cookie, which alone opens the completion page without a signed link.
 * `request_hash`: for the JSON API, the SHA-256 of the request its key came with (null for the pages).
 */
export interface CheckoutSessionTable {
  id: string;
  cart_id: string;
  customer_id: string | null;
  details_encrypted: Uint8Array | null;
  shipping_method_id: string | null;
  provider: string | null;
  discount_code: string | null;
  attempt_key: string | null;
  request_hash: Uint8Array | null;
  order_id: string | null;
  order_number: string | null;
  access_hash: Uint8Array;
  created_at: Date;
  updated_at: Date;
}

export type CheckoutSessionRow = Selectable<CheckoutSessionTable>;

/**
 * An Idempotency-Key of `POST /api/v1/checkout` (stored as its attempt key, `api:<key>`) and the SHA-256
 * of the canonical request it first came with: the same key with another request is refused.
 */
export interface CheckoutIdempotencyKeyTable {
  key: string;
  request_hash: Uint8Array;
  created_at: Date;
}
