import type { SettingsReader } from '../../kernel/settings.js';

/** How long stock waits for a payment, and how often the order side of reconciliation runs. */
export interface OrdersSettings {
  /** ORDER_HOLD_MINUTES: an unpaid order's stock is released after this long (default 30). */
  holdMinutes: number;
  /** ORDER_RECONCILE_MINUTES: the reconciliation job's period (default 15). */
  reconcileMinutes: number;
  /**
   * ORDER_MAX_UNPAID: unpaid orders one e-mail address or customer may hold at once (default 3), so nobody
   * can take a product off sale by placing orders they never pay for.
   */
  maxUnpaid: number;
}

export function readOrdersSettings(read: SettingsReader): OrdersSettings {
  return {
    holdMinutes: read.integer('ORDER_HOLD_MINUTES', 30, { min: 1, max: 7 * 24 * 60 }),
    reconcileMinutes: read.integer('ORDER_RECONCILE_MINUTES', 15, { min: 1, max: 24 * 60 }),
    maxUnpaid: read.integer('ORDER_MAX_UNPAID', 3, { min: 1, max: 100 }),
  };
}
