import { LRUCache } from 'lru-cache';
import type { CounterStore } from './counter-store.js';

export interface MemoryCounterStoreOptions {
  /** The clock, in milliseconds; tests pass a fake one. */
  now?: () => number;
  /** Counters kept at most; when full, the least recently hit one is dropped. */
  maxKeys?: number;
}

/**
 * Counters in this process: the embedded default, and enough for one instance. The counters live in an
 * LRU map of bounded size, so a flood of distinct keys costs O(1) per new key (the least recently hit
 * counter is dropped) and cannot exhaust memory; an expired window is replaced when its key is next hit.
 */
export function createMemoryCounterStore(options: MemoryCounterStoreOptions = {}): CounterStore {
  const now = options.now ?? Date.now;
  const counters = new LRUCache<string, { count: number; resetAt: number }>({ max: options.maxKeys ?? 100_000 });

  return {
    async hit(entries) {
      const t = now();
      return entries.map(({ key, windowMs }) => {
        let c = counters.get(key);
        if (c === undefined || c.resetAt <= t) {
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
