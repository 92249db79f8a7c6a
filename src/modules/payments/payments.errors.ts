import { AppError } from '../../kernel/errors.js';
import type { Money } from '../../kernel/money.js';

/** The payments module's errors, each with a stable code; tests assert the code, never the wording. */

export { gatewayRejected, gatewayUnavailable, notCancellable, webhookSignatureInvalid } from '../../adapters/payments/payment-gateway.js';

export const paymentNotFound = (): AppError => new AppError('PAYMENT_NOT_FOUND', 'not_found', 'There is no such payment.');

export const providerNotEnabled = (provider: string): AppError =>
  new AppError('PAYMENT_PROVIDER_NOT_ENABLED', 'invalid_data', `The shop does not take payment with ${provider}.`, { provider });

export const invalidAmount = (why: string): AppError => new AppError('PAYMENT_INVALID_AMOUNT', 'invalid_data', why);

export const idempotencyKeyReused = (): AppError =>
  new AppError('PAYMENT_IDEMPOTENCY_KEY_REUSED', 'conflict', 'This idempotency key was used for a different payment.');

export const refundExceedsCaptured = (asked: Money, refundable: Money): AppError =>
  new AppError('PAYMENT_REFUND_EXCEEDS_CAPTURED', 'conflict', 'A refund cannot be more than what was captured, less what was already refunded.', {
    asked: asked.amount,
    refundable: refundable.amount,
    currency: refundable.currency,
  });

export const nothingCaptured = (): AppError => new AppError('PAYMENT_NOTHING_CAPTURED', 'conflict', 'This order has no captured payment to refund.');

export const refundReasonRequired = (): AppError => new AppError('PAYMENT_REFUND_REASON_REQUIRED', 'invalid_data', 'Give a reason for the refund.');

export const refundFailed = (): AppError =>
  new AppError('PAYMENT_REFUND_FAILED', 'unavailable', 'The payment provider did not confirm the refund. If it was refused, nothing was refunded; otherwise it is retried automatically.');
