import { AppError } from '../../kernel/errors.js';

/** One problem with one input field, so a form can show it beside that field and the API can name it. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The checkout's errors, each with a stable code (tests assert the code, never the wording). Invalid
 * input carries `details.fields` so a step page can put each message beside its field.
 */
export const checkoutInvalid = (fields: FieldProblem[]): AppError =>
  new AppError('CHECKOUT_INVALID', 'invalid_data', fields.map((f) => f.message).join('. ') + '.', { fields });

export const cartEmpty = (): AppError => new AppError('CHECKOUT_CART_EMPTY', 'conflict', 'Your cart is empty: add something to it before checking out.');

/** Lines that cannot be bought now (unknown, archived, sold out, or more than is in stock), by name. */
export const cartUnpurchasable = (items: { variantId: string; name: string; state: string }[]): AppError =>
  new AppError(
    'CHECKOUT_CART_UNPURCHASABLE',
    'conflict',
    `Some items in your cart cannot be bought right now: ${items.map((i) => i.name).join(', ')}. Change or remove them to continue.`,
    { items },
  );

export const priceFieldRefused = (fields: string[]): AppError =>
  new AppError(
    'CHECKOUT_PRICE_NOT_ACCEPTED',
    'invalid_data',
    `Prices, taxes and totals are worked out by the shop, never sent to it: remove ${fields.map((f) => `"${f}"`).join(', ')}.`,
    { fields },
  );

export const currencyMismatch = (given: string, expected: string): AppError =>
  new AppError('CHECKOUT_CURRENCY_MISMATCH', 'invalid_data', `This shop charges in ${expected}, not ${given}.`, { given, expected });

export const idempotencyKeyRequired = (): AppError =>
  new AppError('CHECKOUT_IDEMPOTENCY_KEY_REQUIRED', 'invalid_data', 'Send an Idempotency-Key header: 16 to 128 letters, digits, "-" or "_" (a UUID will do), one per checkout attempt.');

/** A key sent again with a different checkout: the first use decides, as with Stripe's keys. */
export const idempotencyKeyReused = (): AppError =>
  new AppError('CHECKOUT_IDEMPOTENCY_KEY_REUSED', 'unprocessable', 'This Idempotency-Key was already used for a different checkout. Use a new key for a new attempt.');

/** The review form is from an older attempt (the cart changed or an order was placed since). */
export const attemptExpired = (): AppError =>
  new AppError('CHECKOUT_ATTEMPT_EXPIRED', 'conflict', 'This checkout page is out of date. Please review your order again.');

export const stepIncomplete = (step: string): AppError =>
  new AppError('CHECKOUT_STEP_INCOMPLETE', 'conflict', `Complete the ${step} step first.`, { step });

/** The completion page of an order this browser did not place (and no signed link): as if it did not exist. */
export const orderNotFound = (): AppError => new AppError('CHECKOUT_ORDER_NOT_FOUND', 'not_found', 'There is no such order.');

/** The field problems an error carries, if it is the checkout's invalid-input error. */
export function fieldProblemsOf(err: unknown): FieldProblem[] | undefined {
  if (!(err instanceof AppError) || err.code !== 'CHECKOUT_INVALID') return undefined;
  return err.details?.fields as FieldProblem[] | undefined;
}
