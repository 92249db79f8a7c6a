import { AppError } from '../../kernel/errors.js';

/** The cart's errors, each with a stable code; tests assert the code, never the wording. */

export const invalidQuantity = (): AppError => new AppError('CART_INVALID_QUANTITY', 'invalid_data', 'The quantity must be a whole number from 1.');

export const lineQuantityLimit = (max: number): AppError =>
  new AppError('CART_LINE_QUANTITY_LIMIT', 'invalid_data', `You can buy at most ${max} of one item in one order.`, { max });

export const cartItemsLimit = (max: number): AppError => new AppError('CART_ITEMS_LIMIT', 'invalid_data', `A cart holds at most ${max} items.`, { max });

export const cartLinesLimit = (max: number): AppError => new AppError('CART_LINES_LIMIT', 'invalid_data', `A cart holds at most ${max} different items.`, { max });

/** A line that is not in this shopper's cart: the same answer whether it is someone else's or none at all. */
export const lineNotFound = (): AppError => new AppError('CART_LINE_NOT_FOUND', 'not_found', 'That item is not in your cart.');

export const variantNotFound = (): AppError => new AppError('CART_VARIANT_NOT_FOUND', 'not_found', 'That item is not for sale.');

export const variantNotForSale = (why: 'archived' | 'sold_out'): AppError =>
  new AppError(why === 'sold_out' ? 'CART_VARIANT_SOLD_OUT' : 'CART_VARIANT_NOT_FOR_SALE', 'conflict', why === 'sold_out' ? 'That item is sold out.' : 'That item is no longer sold.');

/** A body that carries a price, total, tax or amount: the server computes those, a client never sends them. */
export const priceFieldsRefused = (fields: string[]): AppError =>
  new AppError('CART_PRICE_FIELDS_REFUSED', 'invalid_data', `Prices, taxes and totals are computed by the shop; remove ${fields.join(', ')} from the request.`, { fields });

export const discountInvalid = (code: string, message: string): AppError => new AppError('CART_DISCOUNT_REFUSED', 'invalid_data', message, { reason: code });
