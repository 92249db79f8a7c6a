import type { CounterStore } from './counter-store.js';

export interface MemoryCounterStoreOptions {
  /** The clock, in milliseconds; tests pass a fake one. */
  now?: () => number;
  /** Counters kept at most; when full, expired ones are swept, then the oldest are dropped. */
  maxKeys?: number;
}

/**
 * Counters in this process: the embedded default, and enough for one instance. Expired windows are
 * swept lazily, and the map is capped so a flood of distinct client addresses cannot exhaust memory.
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): CounterStore {
  const now = options.now ?? Date.now;
  const maxKeys = options.maxKeys ?? 100_000;
  const counters = new Map<string, { count: number; resetAt: number }>();

  const sweep = (t: number): void => {
    for (const [key, c] of counters) if (c.resetAt <= t) counters.delete(key);
    // Still full: drop the oldest insertions (Map iterates in insertion order).
    for (const key of counters.keys()) {
      if (counters.size < maxKeys) break;
      counters.delete(key);
    }
  };

  return {
    async hit(entries) {
      const t = now();
      return entries.map(({ key, windowMs }) => {
        let c = counters.get(key);
        if (c === undefined || c.resetAt <= t) {
          if (c !== undefined) counters.delete(key);
          if (counters.size >= maxKeys) sweep(t);
          c = { count: 0, resetAt: t + windowMs };
          counters.set(key, c);
        }
        c.count += 1;
        return { count: c.count, resetMs: c.resetAt - t };
      });
    },
    async close() {
      counters.clear();
    },
  };
}
