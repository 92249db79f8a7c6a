import type { SettingsReader } from '../../kernel/settings.js';

/** How much one cart may hold: bounds that keep a cart a cart (and a bot's cart small). */
export interface CartSettings {
  /** CART_MAX_LINE_QUANTITY: units of one variant in one cart. */
  maxLineQuantity: number;
  /** CART_MAX_LINES: different variants in one cart. */
  maxLines: number;
  /** CART_MAX_ITEMS: units over the whole cart. */
  maxItems: number;
  /** CART_COOKIE_DAYS: how long a guest's cart cookie lives. */
  cookieDays: number;
}

/** CART_MAX_LINE_QUANTITY (default 20), CART_MAX_LINES (50), CART_MAX_ITEMS (100), CART_COOKIE_DAYS (30). */
export function readCartSettings(read: SettingsReader): CartSettings {
  return {
    maxLineQuantity: read.integer('CART_MAX_LINE_QUANTITY', 20, { min: 1, max: 10_000 }),
    maxLines: read.integer('CART_MAX_LINES', 50, { min: 1, max: 500 }),
    maxItems: read.integer('CART_MAX_ITEMS', 100, { min: 1, max: 100_000 }),
    cookieDays: read.integer('CART_COOKIE_DAYS', 30, { min: 1, max: 365 }),
  };
}
