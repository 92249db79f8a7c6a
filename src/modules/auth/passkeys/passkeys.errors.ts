import { AppError } from '../../../kernel/errors.js';

/**
 * Why a passkey ceremony was refused. Logged (never shown): the caller always gets the one generic code,
 * so a refusal says nothing about which credentials or challenges exist.
 */
export type PasskeyRefusal =
  | 'malformed'
  | 'challenge_unknown'
  | 'challenge_expired'
  | 'challenge_other_account'
  | 'credential_unknown'
  | 'credential_taken'
  | 'credential_id_too_long'
  | 'user_handle_mismatch'
  | 'verification_failed'
  | 'counter_not_advanced'
  | 'account_gone';

/** Any failed sign-in with a passkey: the same code and words whatever went wrong. */
export const passkeyInvalid = (reason: PasskeyRefusal): AppError =>
  new AppError('AUTH_PASSKEY_INVALID', 'unauthorized', 'That passkey could not sign you in. Try again, or sign in with your password.', { reason });

/** Any failed registration: the same code whatever went wrong, the reason is logged. */
export const passkeyNotAdded = (reason: PasskeyRefusal): AppError =>
  new AppError('AUTH_PASSKEY_NOT_ADDED', 'invalid_data', 'The passkey could not be added. Try again.', { reason });

export const passkeyLimitReached = (limit: number): AppError =>
  new AppError('AUTH_PASSKEY_LIMIT_REACHED', 'conflict', `You have ${limit} passkeys, the most an account can have. Remove one to add another.`);

export const passkeyNotFound = (): AppError =>
  new AppError('AUTH_PASSKEY_NOT_FOUND', 'not_found', 'There is no such passkey on your account.');

export const passkeyNameInvalid = (max: number): AppError =>
  new AppError('AUTH_PASSKEY_NAME_INVALID', 'invalid_data', `Enter a name for the passkey, up to ${max} characters.`);
