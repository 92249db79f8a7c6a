/**
 * Which database failures mean "the database is slow or out of reach for now" (answered 503 with
 * Retry-After by src/http/error-handler.ts) rather than a bug (500). PostgreSQL SQLSTATEs:
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */

/** Thrown when a query waited longer than DATABASE_POOL_TIMEOUT_MS for a connection (PGlite's queue). */
export class DatabaseBusyError extends Error {
  readonly code = 'DATABASE_BUSY';
  constructor(waitedMs: number) {
    super(`no database connection free within ${waitedMs} ms`);
    this.name = 'DatabaseBusyError';
  }
}

const unavailableStates = new Set([
  '57014', // query_canceled: statement_timeout
  '55P03', // lock_not_available: lock_timeout
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, or in recovery)
  '53300', // too_many_connections
  '40P01', // deadlock_detected: the loser may simply try again
]);

const unreachableErrnos = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

// pg reports pool and socket trouble as plain Errors; these are its messages (pg-pool, pg/lib/client.js).
const unreachableMessages = [
  'timeout exceeded when trying to connect',
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'Connection terminated',
  'Client has encountered a connection error and is not queryable',
];

export function isDatabaseUnavailable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof DatabaseBusyError) return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (unavailableStates.has(code) || code.startsWith('08') || unreachableErrnos.has(code)) return true;
  }
  if (err instanceof AggregateError && err.errors.some(isDatabaseUnavailable)) return true;
  if (unreachableMessages.some((m) => err.message.startsWith(m))) return true;
  return err.cause !== undefined && err.cause !== err && isDatabaseUnavailable(err.cause);
}
