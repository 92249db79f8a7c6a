import { AppError } from '../../kernel/errors.js';

/** A mail could not be handed over; the cause is logged, never shown (it may name the SMTP host). */
export const mailSendFailed = (cause: unknown): AppError => {
  const error = new AppError('MAIL_SEND_FAILED', 'unavailable', 'The e-mail could not be sent.');
  error.cause = cause;
  return error;
};
