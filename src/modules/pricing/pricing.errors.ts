import { AppError } from '../../kernel/errors.js';

/** The pricing module's errors, each with a stable code; tests assert the code, never the wording. */

/**
 * A discount code cannot be redeemed for this order: its total usage limit or the customer's own limit
 * was reached (by another order, perhaps at the same moment), or it ended. The order's transaction rolls back.
 */
export class DiscountUnavailableError extends AppError {
  constructor(readonly discountId: string, reason: 'used_up' | 'customer_limit' | 'inactive') {
    super(
      'DISCOUNT_UNAVAILABLE',
      'conflict',
      reason === 'customer_limit' ? 'You have already used this discount code as many times as it allows.' : 'This discount code is no longer available.',
      { discountId, reason },
    );
    this.name = 'DiscountUnavailableError';
  }
}

export const invalidQuoteLine = (why: string): AppError => new AppError('PRICING_INVALID_LINE', 'invalid_data', why);

export const taxRateNotFound = (): AppError => new AppError('PRICING_TAX_RATE_NOT_FOUND', 'not_found', 'There is no such tax rate.');
export const taxRateExists = (): AppError => new AppError('PRICING_TAX_RATE_EXISTS', 'conflict', 'There is already a rate for this country and region; change that one instead.');
export const shippingMethodNotFound = (): AppError => new AppError('PRICING_SHIPPING_METHOD_NOT_FOUND', 'not_found', 'There is no such shipping method.');
export const discountNotFound = (): AppError => new AppError('PRICING_DISCOUNT_NOT_FOUND', 'not_found', 'There is no such discount code.');
export const discountCodeExists = (): AppError => new AppError('PRICING_DISCOUNT_CODE_EXISTS', 'conflict', 'A discount with this code already exists.');
export const invalidPricingInput = (field: string, why: string): AppError => new AppError('PRICING_INVALID_INPUT', 'invalid_data', why, { field });
