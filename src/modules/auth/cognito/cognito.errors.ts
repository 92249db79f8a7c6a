import { AppError } from '../../../kernel/errors.js';

/**
 * Errors of the sign-in through the Cognito user pool, each with a stable code (tests assert the code).
 * None of them says more than the browser already knows; the log line carries the detail.
 */

/** The callback's `state` is missing, wrong, expired or already used, or the browser's attempt cookie is. */
export const oidcStateInvalid = (): AppError =>
  new AppError('AUTH_OIDC_STATE_INVALID', 'invalid_data', 'This sign-in link is not valid or has already been used. Start signing in again.');

/** The pool answered with an error (the user cancelled: access_denied, or anything else). */
export const oidcDenied = (): AppError =>
  new AppError('AUTH_OIDC_DENIED', 'forbidden', 'Signing in was cancelled or refused. Start signing in again.');

/** The code exchange failed, or the ID token failed a check (signature, issuer, audience, expiry, nonce, use). */
export const oidcTokenInvalid = (): AppError =>
  new AppError('AUTH_OIDC_TOKEN_INVALID', 'unauthorized', 'We could not confirm who you are. Start signing in again.');

/** The pool did not say the address is verified, so it can neither be linked nor given an account. */
export const oidcEmailUnverified = (): AppError =>
  new AppError('AUTH_OIDC_EMAIL_UNVERIFIED', 'forbidden', 'Confirm your e-mail address with the sign-in service first, then sign in again.');

/** The pool (discovery, keys or token endpoint) could not be reached. */
export const oidcUnavailable = (): AppError =>
  new AppError('AUTH_OIDC_UNAVAILABLE', 'unavailable', 'Signing in is not available right now. Try again in a minute.');

/**
 * The verified address belongs to an account already linked to the other pool (shop or staff). An account
 * signs in through one pool only: linked to both, a shoppers'-pool sign-in (MFA not required) would carry the
 * staff member's role, since a session does not say which pool started it.
 */
export const oidcOtherPool = (): AppError =>
  new AppError('AUTH_OIDC_OTHER_POOL', 'conflict', 'This address already signs in through the other sign-in service (shop or staff). Use another address here.');

/** A local-only flow (password, sign-up, reset, MFA) asked for while the user pool signs people in. */
export const providerIsCognito = (): AppError =>
  new AppError('AUTH_PROVIDER_COGNITO', 'not_found', 'Accounts are managed by the sign-in service: sign in, sign up, passwords and two-step verification are there.');

/**
 * The back office asked for in cognito mode without a staff pool (COGNITO_STAFF_*). The shoppers' pool need
 * not require MFA, so a password alone could open the back office: no staff sign-in goes through it.
 */
export const staffPoolRequired = (): AppError =>
  new AppError('AUTH_STAFF_POOL_REQUIRED', 'forbidden', 'The back office signs in only through a staff user pool that requires two-step verification, and none is configured (COGNITO_STAFF_*).');
