import type { ColumnType, Generated, Selectable } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../../db/columns.js';

/** The orders module's tables, by name; db/schema.ts composes every module's. */
export interface OrdersTables {
  order: OrderTable;
  order_line: OrderLineTable;
  order_address: OrderAddressTable;
  order_event: OrderEventTable;
  order_idempotency: OrderIdempotencyTable;
  fulfilment: FulfilmentTable;
  fulfilment_line: FulfilmentLineTable;
}

export type OrderStatusColumn =
  | 'pending_payment'
  | 'paid'
  | 'partially_fulfilled'
  | 'fulfilled'
  | 'delivered'
  | 'cancelled'
  | 'partially_refunded'
  | 'refunded';

/** An order: money in integer minor units of `currency`, the totals as quoted when it was placed. */
export interface OrderTable {
  id: string;
  number: Generated<string>;
  status: OrderStatusColumn;
  customer_id: string | null;
  email_encrypted: Uint8Array | null;
  email_index: Uint8Array | null;
  cart_id: string | null;
  currency: string;
  tax_inclusive: boolean;
  subtotal_amount: number;
  discount_amount: number;
  shipping_amount: number;
  tax_amount: number;
  total_amount: number;
  refunded_amount: Generated<number>;
  shipping_method_id: string | null;
  shipping_method_name: string | null;
  discount_id: string | null;
  discount_code: string | null;
  provider: string;
  link_nonce: Uint8Array;
  hold_expires_at: Date;
  cancel_requested_at: Date | null;
  cancel_reason: string | null;
  paid_at: Date | null;
  cancelled_at: Date | null;
  erased_at: Date | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
}

export interface OrderLineTable {
  id: string;
  order_id: string;
  position: number;
  variant_id: string;
  product_id: string;
  product_name: string;
  variant_title: string;
  sku: string;
  unit_price_amount: number;
  quantity: number;
  subtotal_amount: number;
  discount_amount: number;
  tax_amount: number;
  total_amount: number;
  fulfilled_quantity: Generated<number>;
}

export interface OrderAddressTable {
  id: string;
  order_id: string;
  kind: 'shipping' | 'billing';
  address_encrypted: Uint8Array;
}

export interface OrderEventTable {
  id: Generated<string>;
  order_id: string;
  type: string;
  from_status: string | null;
  to_status: string | null;
  actor_type: string;
  actor_id: string | null;
  message: string;
  data: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  created_at: CreatedAt;
}

export interface OrderIdempotencyTable {
  key: string;
  order_id: string;
  created_at: CreatedAt;
}

export interface FulfilmentTable {
  id: string;
  order_id: string;
  carrier: string | null;
  tracking_number: string | null;
  actor_id: string | null;
  created_at: CreatedAt;
}

export interface FulfilmentLineTable {
  fulfilment_id: string;
  order_line_id: string;
  quantity: number;
}

export type OrderRow = Selectable<OrderTable>;
export type OrderLineRow = Selectable<OrderLineTable>;
export type OrderEventRow = Selectable<OrderEventTable>;
export type FulfilmentRow = Selectable<FulfilmentTable>;
