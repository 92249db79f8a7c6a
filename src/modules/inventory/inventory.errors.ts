import { AppError } from '../../kernel/errors.js';

/** The inventory's errors, each with a stable code; tests assert the code, never the wording. */

/**
 * A line of a reservation (or sale) asked for more than is available. It names the variant, so the
 * checkout can tell the shopper which line to change; the caller's transaction is expected to roll back.
 */
export class OutOfStockError extends AppError {
  constructor(
    readonly variantId: string,
    readonly requested: number,
    readonly available: number,
  ) {
    super('INVENTORY_OUT_OF_STOCK', 'conflict', `Only ${Math.max(0, available)} of this item ${available === 1 ? 'is' : 'are'} available; ${requested} asked for.`, {
      variantId,
      requested,
      available: Math.max(0, available),
    });
    this.name = 'OutOfStockError';
  }
}

export const variantWithoutStock = (variantId: string): AppError =>
  new AppError('INVENTORY_VARIANT_NOT_FOUND', 'not_found', 'There is no stock level for this variant.', { variantId });

export const belowZero = (delta: number, available: number): AppError =>
  new AppError('INVENTORY_BELOW_ZERO', 'conflict', `Removing ${Math.abs(delta)} would take stock below zero: ${available} available (units reserved for orders cannot be removed).`, {
    delta,
    available,
  });

export const reasonRequired = (): AppError => new AppError('INVENTORY_REASON_REQUIRED', 'invalid_data', 'Give a reason for the adjustment, e.g. "Stock count" or "Damaged in storage".');

export const invalidQuantity = (why: string): AppError => new AppError('INVENTORY_INVALID_QUANTITY', 'invalid_data', why);

export const notReserved = (variantId: string, quantity: number, reserved: number): AppError =>
  new AppError('INVENTORY_NOT_RESERVED', 'conflict', `Only ${reserved} unit${reserved === 1 ? ' is' : 's are'} reserved for this variant; ${quantity} cannot be released or sold.`, {
    variantId,
    quantity,
    reserved,
  });
