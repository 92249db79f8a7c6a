import { Redis } from 'ioredis';
import type { Signal } from './signal.js';

export interface RedisSignalOptions {
  url: string;
  /** The channel, under the deployment's key prefix, so several shops (or test runs) share one Redis. */
  channel: string;
  /** Reports a lost or failed connection (the read cache's TTL still bounds staleness meanwhile). */
  onError?: (err: unknown) => void;
}

/**
 * A signal over Redis pub/sub. A subscribed connection can do nothing else, so each instance holds two:
 * one that publishes and one that listens; ioredis resubscribes by itself after a reconnect.
 */
export function createRedisSignal(options: RedisSignalOptions): Signal {
  const common = { maxRetriesPerRequest: 2, connectTimeout: 2_000, commandTimeout: 1_000 };
  const publisher = new Redis(options.url, common);
  const subscriber = new Redis(options.url, { ...common, commandTimeout: undefined });
  const report = (err: unknown) => options.onError?.(err);
  publisher.on('error', report);
  subscriber.on('error', report);
  const listeners: ((message: string) => void)[] = [];
  subscriber.on('message', (channel: string, message: string) => {
    if (channel !== options.channel) return;
    for (const listener of listeners) listener(message);
  });
  const subscribed = subscriber.subscribe(options.channel).then(
    () => undefined,
    (err: unknown) => report(err),
  );

  return {
    async send(message) {
      await publisher.publish(options.channel, message);
    },
    onMessage: (listener) => void listeners.push(listener),
    async ready(timeoutMs) {
      await Promise.race([subscribed, new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    },
    async close() {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
