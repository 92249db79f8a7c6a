import { AppError } from '../../kernel/errors.js';

/**
 * The auth module's errors, each with a stable code (tests assert the code, never the wording). The
 * wording never says whether an account exists.
 */
export const invalidCredentials = (): AppError =>
  new AppError('AUTH_INVALID_CREDENTIALS', 'unauthorized', 'The e-mail address or password is not right.');

export const emailNotVerified = (): AppError =>
  new AppError('AUTH_EMAIL_NOT_VERIFIED', 'forbidden', 'Confirm your e-mail address first: we have sent you a new link.');

export const invalidEmail = (): AppError =>
  new AppError('AUTH_EMAIL_INVALID', 'invalid_data', 'Enter an e-mail address in the right format, like name@example.com.');

export const passwordTooShort = (min: number): AppError =>
  new AppError('AUTH_PASSWORD_TOO_SHORT', 'invalid_data', `Choose a password of at least ${min} characters.`);

export const passwordTooLong = (max: number): AppError =>
  new AppError('AUTH_PASSWORD_TOO_LONG', 'invalid_data', `Choose a password of at most ${max} characters.`);

export const passwordTooCommon = (): AppError =>
  new AppError('AUTH_PASSWORD_TOO_COMMON', 'invalid_data', 'That password is one of the most common ones, so it is easy to guess. Choose another.');

export const tokenInvalid = (): AppError =>
  new AppError('AUTH_TOKEN_INVALID', 'invalid_data', 'This link is not valid or has already been used. Ask for a new one.');

export const tokenExpired = (): AppError =>
  new AppError('AUTH_TOKEN_EXPIRED', 'invalid_data', 'This link has expired. Ask for a new one.');

export { mfaRequired, signInRequired } from '../../kernel/errors.js';

export const mfaCodeInvalid = (): AppError =>
  new AppError('AUTH_MFA_CODE_INVALID', 'unauthorized', 'That code is not right, or it has been used already. Wait for a new code and try again.');

export const mfaAlreadyEnabled = (): AppError =>
  new AppError('AUTH_MFA_ALREADY_ENABLED', 'conflict', 'Two-step verification is already on for this account.');

export const mfaNotEnabled = (): AppError =>
  new AppError('AUTH_MFA_NOT_ENABLED', 'conflict', 'Two-step verification is not on for this account.');

export const mfaNotEnrolling = (): AppError =>
  new AppError('AUTH_MFA_NOT_ENROLLING', 'conflict', 'Start setting up two-step verification first.');

export const tooManyAttempts = (retryAfterSeconds: number): AppError =>
  new AppError('AUTH_TOO_MANY_ATTEMPTS', 'rate_limited', `Too many attempts. Try again in ${retryAfterSeconds} seconds.`, { retryAfterSeconds });

export const sessionNotFound = (): AppError =>
  new AppError('AUTH_SESSION_NOT_FOUND', 'not_found', 'There is no such session on your account.');

export const mfaCodeNeeded = (): AppError =>
  new AppError('AUTH_MFA_CODE_REQUIRED', 'invalid_data', 'Enter the code from your authenticator app, or a recovery code.');
