/**
 * Transport-free error categories. Services throw AppError with one of these; only
 * src/http/error-handler.ts knows which HTTP status each one becomes.
 */
export type ErrorCategory =
  | 'invalid_data'
  | 'not_found'
  | 'conflict'
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
