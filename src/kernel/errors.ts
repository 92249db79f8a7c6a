/**
 * Transport-free error categories. Services throw AppError with one of these; only
 * src/http/error-handler.ts knows which HTTP status each one becomes.
 */
export type ErrorCategory =
  | 'invalid_data'
  | 'not_found'
  | 'conflict'
  /** A body larger than its limit (an upload over MEDIA_MAX_BYTES). */
  | 'too_large'
  /** A body of a type the endpoint does not take (an upload that is not JPEG, PNG, WebP or AVIF). */
  | 'unsupported_type'
  /** Well-formed but unusable content (an image that does not decode, or has too many pixels). */
  | 'unprocessable'
  | 'unauthorized'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

/** A domain error with a stable code (tests assert the code, never the text). */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly category: ErrorCategory,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

/** A request that needs a signed-in visitor (any module's route, and the back office, may refuse so). */
export const signInRequired = (): AppError => new AppError('AUTH_SIGN_IN_REQUIRED', 'unauthorized', 'Sign in to continue.');

/** A signed-in visitor who has not yet given the second factor of this session. */
export const mfaRequired = (): AppError =>
  new AppError('AUTH_MFA_REQUIRED', 'unauthorized', 'Enter the code from your authenticator app to finish signing in.');
