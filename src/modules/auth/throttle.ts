/**
 * The growing delay after failed attempts (Copenhagen Book, "Password authentication" → throttling;
 * OWASP ASVS 2.2.1). Keyed by what is attacked, not by who attacks: an e-mail's blind index for
 * sign-in (whether or not an account has it, so the delay itself reveals nothing), a user id for MFA.
 *
 * The first `free` failures cost nothing; then each failure locks the key for 2^(n - free) seconds,
 * capped at 15 minutes. A success clears the count. The per-IP and per-account request limits of
 * src/http/rate-limit.ts come on top.
 */
import type { Db } from '../../db/database.js';
import { tooManyAttempts } from './auth.errors.js';
import * as repo from './auth.repository.js';

/** How a key locks: `free` failures cost nothing, then 2^(n - free) seconds, at most `maxLockMs`. */
export interface ThrottlePolicy {
  free: number;
  maxLockMs: number;
}

export interface Throttle {
  /** Throws AUTH_TOO_MANY_ATTEMPTS while the key is locked. */
  assertOpen(key: string): Promise<void>;
  fail(key: string, policy?: ThrottlePolicy): Promise<void>;
  succeed(key: string): Promise<void>;
}

export const throttleFreeFailures = 5;
const maxLockMs = 15 * 60_000;
export const defaultThrottlePolicy: ThrottlePolicy = { free: throttleFreeFailures, maxLockMs };

export function lockAfter(failures: number, free = throttleFreeFailures, cap = maxLockMs): number {
  if (failures < free) return 0;
  return Math.min(cap, 2 ** (failures - free) * 1000);
}

export function createThrottle(deps: { db: Db; now: () => Date }): Throttle {
  const { db, now } = deps;
  return {
    async assertOpen(key) {
      const row = await repo.findThrottle(db, key);
      const at = now().getTime();
      if (row?.locked_until && row.locked_until.getTime() > at) {
        throw tooManyAttempts(Math.max(1, Math.ceil((row.locked_until.getTime() - at) / 1000)));
      }
    },
    async fail(key, policy = defaultThrottlePolicy) {
      await repo.recordFailure(db, key, now(), (n) => lockAfter(n, policy.free, policy.maxLockMs));
    },
    succeed: (key) => repo.clearThrottle(db, key),
  };
}
