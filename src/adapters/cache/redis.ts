import { Redis } from 'ioredis';
import type { CounterStore } from './counter-store.js';

// For each key: INCR, start the window on the first hit, and report the count and the time left.
// One script call per request keeps every rule's counter consistent across instances.
const hitScript = `
local out = {}
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if ttl < 0 then
    redis.call('PEXPIRE', key, ARGV[i])
    ttl = tonumber(ARGV[i])
  end
  out[#out + 1] = count
  out[#out + 1] = ttl
end
return out
`;

export interface RedisCounterStoreOptions {
  url: string;
  /** Prefix for every key, so several deployments (or test runs) can share one Redis. */
  prefix: string;
}

/**
 * Counters in Redis (ElastiCache on AWS), shared by every instance. Every command has a short timeout,
 * so a Redis outage costs one failed check (the caller decides what that means), not a stalled request.
 */
export function createRedisCounterStore(options: RedisCounterStoreOptions): CounterStore {
  const redis = new Redis(options.url, {
    keyPrefix: options.prefix,
    maxRetriesPerRequest: 1,
    commandTimeout: 500,
    connectTimeout: 2_000,
    lazyConnect: false,
    // Not connected: a command fails at once (the caller counts in process) instead of waiting in a queue.
    enableOfflineQueue: false,
  });
  // Connection errors are reported by the failing hit(); without a listener ioredis would log to stderr.
  redis.on('error', () => undefined);
  // Until connected, and whenever the connection is lost, a hit fails at once (the caller counts in
  // process) instead of each request waiting out the command timeout while ioredis reconnects.
  const connected = new Promise<void>((resolve) => redis.once('ready', () => resolve()));

  return {
    async hit(entries) {
      if (entries.length === 0) return [];
      if (redis.status !== 'ready') throw new Error(`Redis is ${redis.status}`);
      const keys = entries.map((e) => e.key);
      const windows = entries.map((e) => String(e.windowMs));
      const raw = (await redis.eval(hitScript, keys.length, ...keys, ...windows)) as number[];
      return entries.map((_, i) => ({ count: Number(raw[2 * i]), resetMs: Number(raw[2 * i + 1]) }));
    },
    async ready(timeoutMs) {
      await Promise.race([connected, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
    async close() {
      redis.disconnect();
    },
  };
}
