import type { Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The cart module's tables, by name; db/schema.ts composes every module's. */
export interface CartTables {
  cart: CartTable;
  cart_line: CartLineTable;
}

export type CartStatus = 'open' | 'ordered' | 'merged';

export interface CartTable {
  id: Generated<string>;
  /** SHA-256 of a guest cart's cookie token; null for a customer's cart. */
  token_hash: Buffer | null;
  customer_id: string | null;
  status: Generated<CartStatus>;
  order_id: string | null;
  discount_code: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface CartLineTable {
  id: Generated<string>;
  cart_id: string;
  variant_id: string;
  quantity: number;
  /** The unit price when the line was added (or its quantity last set by the shopper). */
  unit_price_amount: number;
  currency: string;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export type CartRow = Selectable<CartTable>;
export type CartLineRow = Selectable<CartLineTable>;
