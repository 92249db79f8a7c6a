import type { FastifyReply } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import { statusOfCategory } from '../../http/answers.js';
import type { FormError } from './fields.js';

/**
 * A refused request (a 4xx AppError) as the form's errors: the status (and Retry-After) is set on the
 * reply, and the message goes to the field `fieldFor` names, or to the summary only. Anything else
 * (a 5xx, or not an AppError) is rethrown for the error handler.
 */
export function formErrorsOf(err: unknown, reply: FastifyReply, fieldFor: (code: string) => string | undefined = () => undefined): FormError[] {
  const status = err instanceof AppError ? statusOfCategory[err.category] : 500;
  if (!(err instanceof AppError) || status >= 500) throw err;
  reply.code(status);
  const retryAfter = err.details?.retryAfterSeconds;
  if (typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  const field = fieldFor(err.code);
  return [{ message: err.message, ...(field ? { field } : {}) }];
}
