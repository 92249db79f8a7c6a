import { invalidTransition } from './orders.errors.js';
import type { OrderStatus } from './orders.types.js';

/**
 * The order's state machine: which status may follow which. Every change of status goes through
 * `assertTransition`; anything else is ORDER_INVALID_TRANSITION (409) and changes nothing.
 *
 *   pending_payment ─► paid ─► partially_fulfilled ─► fulfilled ─► delivered
 *         │             │ └──────────────────────────────┘
 *         ▼             ▼
 *     cancelled ◄── (paid, nothing shipped, refunded in full)
 *
 *   paid, partially_fulfilled, fulfilled, delivered ─► partially_refunded ─► refunded
 *
 * A partial refund does not stop the parcel: a partially refunded order may still be fulfilled and
 * delivered, and stays `partially_refunded` for the record (its fulfilment shows per line).
 * `cancelled` and `refunded` are final.
 */
export const transitions: Readonly<Record<OrderStatus, readonly OrderStatus[]>> = {
  pending_payment: ['paid', 'cancelled'],
  paid: ['partially_fulfilled', 'fulfilled', 'partially_refunded', 'refunded', 'cancelled'],
  partially_fulfilled: ['partially_fulfilled', 'fulfilled', 'partially_refunded', 'refunded'],
  fulfilled: ['delivered', 'partially_refunded', 'refunded'],
  delivered: ['partially_refunded', 'refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to);
}

/** Throws ORDER_INVALID_TRANSITION unless `to` may follow `from`. */
export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to)) throw invalidTransition(from, to);
}

/** Statuses in which the goods may still ship (some units unfulfilled, money kept). */
export const shippable: readonly OrderStatus[] = ['paid', 'partially_fulfilled', 'partially_refunded'];

/** Statuses in which money was taken and may be given back. */
export const refundable: readonly OrderStatus[] = ['paid', 'partially_fulfilled', 'fulfilled', 'delivered', 'partially_refunded'];

/** The words a shopper and staff read for each status. */
export const statusLabels: Readonly<Record<OrderStatus, string>> = {
  pending_payment: 'Awaiting payment',
  paid: 'Paid',
  partially_fulfilled: 'Partly shipped',
  fulfilled: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
};
