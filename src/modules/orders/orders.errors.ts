import { AppError } from '../../kernel/errors.js';
import type { OrderStatus } from './orders.types.js';

/** The orders module's errors, each with a stable code; tests assert the code, never the wording. */

/** Another customer's order answers exactly like one that does not exist. */
export const orderNotFound = (): AppError => new AppError('ORDER_NOT_FOUND', 'not_found', 'There is no such order.');

export const invalidTransition = (from: OrderStatus, to: OrderStatus): AppError =>
  new AppError('ORDER_INVALID_TRANSITION', 'conflict', `An order that is ${from.replaceAll('_', ' ')} cannot become ${to.replaceAll('_', ' ')}.`, { from, to });

/** The cart is empty, or gone (ordered already, expired). */
export const cartEmpty = (): AppError => new AppError('ORDER_CART_EMPTY', 'conflict', 'Your basket is empty, so there is nothing to order.');

/** The fresh quote has lines that cannot be sold as they are (archived, unknown, too few left). */
export const linesUnavailable = (lines: { variantId: string; state: string; name: string }[]): AppError =>
  new AppError(
    'ORDER_LINES_UNAVAILABLE',
    'conflict',
    `Some items in your basket have changed: ${lines.map((l) => `${l.name} (${l.state.replaceAll('_', ' ')})`).join(', ')}. Review your basket and try again.`,
    { lines },
  );

/** The quote has problems (an expired discount code, no shipping to the address...). */
export const quoteProblems = (problems: { code: string; message: string; variantId?: string | undefined }[]): AppError =>
  new AppError('ORDER_QUOTE_PROBLEMS', 'unprocessable', problems.map((p) => p.message).join(' '), { problems });

export const shippingMethodUnavailable = (): AppError =>
  new AppError('ORDER_SHIPPING_METHOD_UNAVAILABLE', 'unprocessable', 'The chosen delivery method is not available for this address. Choose another one.');

/** Someone else's checkout used this idempotency key: its order is never handed out. */
export const idempotencyKeyReused = (): AppError =>
  new AppError('ORDER_IDEMPOTENCY_KEY_REUSED', 'conflict', 'This idempotency key belongs to another checkout. Use a new key for a new order.');

export const soldOut = (name: string, variantId: string, available: number): AppError =>
  new AppError(
    'ORDER_ITEM_SOLD_OUT',
    'conflict',
    available > 0 ? `Only ${available} of ${name} ${available === 1 ? 'is' : 'are'} left. Change the quantity and try again.` : `${name} is sold out. Remove it from your basket to continue.`,
    { variantId, available },
  );

export const orderInvalid = (why: string, details?: Record<string, unknown>): AppError => new AppError('ORDER_INVALID', 'invalid_data', why, details);

export const nothingToFulfil = (): AppError => new AppError('ORDER_NOTHING_TO_FULFIL', 'conflict', 'Every item of this order has been shipped already.');

export const fulfilTooMany = (orderLineId: string, remaining: number): AppError =>
  new AppError('ORDER_FULFIL_QUANTITY', 'conflict', `Only ${remaining} unit${remaining === 1 ? ' is' : 's are'} left to ship on this line.`, { orderLineId, remaining });

export const refundTooLarge = (remaining: number, currency: string): AppError =>
  new AppError('ORDER_REFUND_EXCEEDS_PAID', 'conflict', `At most ${remaining} (${currency} minor units) can still be refunded on this order.`, { remaining, currency });

export const cancelAfterShipping = (): AppError =>
  new AppError('ORDER_CANCEL_AFTER_SHIPPING', 'conflict', 'Part of this order has shipped, so it cannot be cancelled. Refund it instead.');

/** Cancelling a paid order refunds it in full, so it needs the refund permission as well as `orders.fulfil`. */
export const cancelNeedsRefund = (): AppError =>
  new AppError(
    'ORDER_CANCEL_REFUND_DENIED',
    'forbidden',
    'This order has been paid, so cancelling it refunds the customer. Your role does not allow refunds: ask someone who may refund.',
    { permission: 'orders.refund' },
  );

export const paymentsUnavailable = (): AppError => new AppError('ORDER_PAYMENTS_UNAVAILABLE', 'unavailable', 'Payments cannot be reached just now. Try again shortly.');

export const mailNotApplicable = (mail: string): AppError =>
  new AppError('ORDER_MAIL_NOT_APPLICABLE', 'conflict', `There is no ${mail} mail to send for this order yet.`, { mail });

export const tooManyUnpaid = (max: number): AppError =>
  new AppError(
    'ORDER_TOO_MANY_UNPAID',
    'rate_limited',
    `You have ${max === 1 ? 'an order' : `${max} orders`} waiting for payment. Pay for ${max === 1 ? 'it' : 'one of them'}, or wait until ${max === 1 ? 'it is' : 'they are'} released, before placing another.`,
    { max },
  );
