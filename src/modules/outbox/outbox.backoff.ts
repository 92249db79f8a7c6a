/**
 * Retry delays: exponential (5 s, 10 s, 20 s, ... doubling), capped at 30 minutes, with "equal jitter"
 * (half the delay fixed, half random), so jobs that failed together (a mail server that went down) do
 * not all come back in the same second, yet none comes back sooner than half its step. With the default
 * 12 attempts a job keeps trying for between about 50 minutes and 1.7 hours before it is parked as dead.
 */
export const backoffBaseMs = 5_000;
export const backoffCapMs = 30 * 60_000;
export const defaultMaxAttempts = 12;

/** The delay before try `attempt + 1`, after `attempt` (1-based) tries failed; `random` is in [0, 1). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const step = Math.min(backoffCapMs, backoffBaseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(step / 2 + random() * (step / 2));
}
