import { AppError } from '../../kernel/errors.js';

/** One problem with one input field, so a form can show it beside that field. */
export interface FieldProblem {
  field: string;
  message: string;
}

/**
 * The customers module's errors, each with a stable code (tests assert the code, never the wording).
 * Invalid input carries `details.fields` for the pages; the message alone reads well in problem+json.
 */
export const addressNotFound = (): AppError =>
  new AppError('CUSTOMER_ADDRESS_NOT_FOUND', 'not_found', 'There is no such address on your account.');

export const addressLimitReached = (max: number): AppError =>
  new AppError('CUSTOMER_ADDRESS_LIMIT_REACHED', 'conflict', `You can save up to ${max} addresses. Delete one you no longer need first.`, { max });

const invalid = (code: string, fields: FieldProblem[]): AppError =>
  new AppError(code, 'invalid_data', fields.map((f) => f.message).join('. ') + '.', { fields });

export const addressInvalid = (fields: FieldProblem[]): AppError => invalid('CUSTOMER_ADDRESS_INVALID', fields);

export const profileInvalid = (fields: FieldProblem[]): AppError => invalid('CUSTOMER_PROFILE_INVALID', fields);

/** The field problems an error carries, if it is one of this module's invalid-input errors. */
export function fieldProblemsOf(err: unknown): FieldProblem[] | undefined {
  if (!(err instanceof AppError) || (err.code !== 'CUSTOMER_ADDRESS_INVALID' && err.code !== 'CUSTOMER_PROFILE_INVALID')) return undefined;
  return err.details?.fields as FieldProblem[] | undefined;
}

/** A customer id the back office does not know (also any id that is not an account's). */
export const customerNotFound = (): AppError => new AppError('CUSTOMER_NOT_FOUND', 'not_found', 'There is no such customer.');
