import { LRUCache } from 'lru-cache';

export interface ReadCacheOptions {
  /** How long an answer is served as fresh. */
  ttlMs: number;
  /**
   * How much longer an expired answer may still be served while one request reloads it (stale while
   * revalidate). Past it, a read waits for the load. Defaults to six TTLs.
   */
  staleMs?: number;
  max?: number;
  clock?: { now(): number };
}

export interface ReadCache {
  /** The cached answer for `key`, loading it with `load` when absent (or in the background when stale). */
  read<T>(key: string, load: () => Promise<T>): Promise<T>;
  /** Drops every answer; a load already running when this is called never writes its result. */
  clear(): void;
}

/**
 * A read-through cache with single flight and stale-while-revalidate. Concurrent misses for one key share
 * one load; an expired entry is still answered at once while a single request refreshes it, so an entry
 * expiring under load costs no request a wait (no p99 spike, no stampede). Failures are never cached, and a
 * failed refresh drops the stale entry so the next read sees the failure (a product taken off sale).
 */
export function createReadCache(options: ReadCacheOptions): ReadCache {
  const now = (): number => (options.clock ?? performance).now();
  const staleMs = options.staleMs ?? options.ttlMs * 6;
  const entries = new LRUCache<string, { value: unknown; freshUntil: number }>({
    max: options.max ?? 2_000,
    ttl: options.ttlMs + staleMs,
    ...(options.clock ? { perf: options.clock, ttlResolution: 0 } : {}),
  });
  const loading = new Map<string, Promise<unknown>>();
  // Bumped by clear(): a load begun before it belongs to an older generation and is not stored.
  let generation = 0;

  const load = <T>(key: string, loader: () => Promise<T>): Promise<T> => {
    const running = loading.get(key);
    if (running) return running as Promise<T>;
    const started = generation;
    const done = (): void => {
      if (loading.get(key) === promise) loading.delete(key);
    };
    const promise: Promise<T> = loader().then(
      (value) => {
        if (started === generation) entries.set(key, { value, freshUntil: now() + options.ttlMs });
        done();
        return value;
      },
      (error: unknown) => {
        if (started === generation) entries.delete(key);
        done();
        throw error;
      },
    );
    loading.set(key, promise);
    return promise;
  };

  return {
    read<T>(key: string, loader: () => Promise<T>): Promise<T> {
      const entry = entries.get(key);
      if (!entry) return load(key, loader);
      if (now() >= entry.freshUntil) {
        // Whoever asks first refreshes; everyone is answered from the stale entry meanwhile. A failure
        // has dropped the entry, and the next read will meet it.
        load(key, loader).catch(() => undefined);
      }
      return Promise.resolve(entry.value as T);
    },
    clear() {
      generation += 1;
      entries.clear();
      loading.clear();
    },
  };
}
