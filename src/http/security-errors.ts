import { AppError } from '../kernel/errors.js';

/** The stable codes of the in-app edge controls (tests assert these, never the wording). */
export const rateLimited = (retryAfterSeconds: number): AppError =>
  new AppError('RATE_LIMITED', 'rate_limited', `Too many requests. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });

export const csrfRejected = (why: string): AppError =>
  new AppError('CSRF_REJECTED', 'forbidden', `This request was refused because ${why}. Reload the page and try again.`);

export const ipBlocked = (): AppError => new AppError('IP_BLOCKED', 'forbidden', 'Requests from this network are not accepted.');

export const jsonTooDeep = (max: number): AppError =>
  new AppError('JSON_TOO_DEEP', 'invalid_data', `The JSON body nests deeper than ${max} levels.`);

export const jsonTooManyKeys = (max: number): AppError =>
  new AppError('JSON_TOO_MANY_KEYS', 'invalid_data', `The JSON body has more than ${max} object keys.`);

export const formTooManyFields = (max: number): AppError =>
  new AppError('FORM_TOO_MANY_FIELDS', 'invalid_data', `The form has more than ${max} fields.`);

export const hostNotAllowed = (): AppError =>
  new AppError('HOST_NOT_ALLOWED', 'invalid_data', 'This shop does not answer to that host name.');
