import { Redis } from 'ioredis';
import type { KeyValueStore } from './key-value-store.js';

/** KeyValueStore in Redis (ElastiCache), with short command timeouts like the counter store. */
export function createRedisKeyValueStore(options: { url: string; prefix: string }): KeyValueStore {
  const redis = new Redis(options.url, { keyPrefix: options.prefix, maxRetriesPerRequest: 1, commandTimeout: 500, connectTimeout: 2_000 });
  // Failures surface as rejected commands, which callers turn into cache misses.
  redis.on('error', () => undefined);
  return {
    async get(key) {
      return (await redis.get(key)) ?? undefined;
    },
    async set(key, value, ttlMs) {
      await redis.set(key, value, 'PX', Math.max(1, Math.round(ttlMs)));
    },
    async delete(keys) {
      if (keys.length > 0) await redis.del(...keys);
    },
    async close() {
      redis.disconnect();
    },
  };
}
