/**
 * A signal every instance of the shop hears, such as "the catalog changed: drop your read cache".
 * With REDIS_URL it travels over Redis pub/sub (each instance subscribes on its own connection);
 * without, there is one process and the signal stays in it.
 */
export interface Signal {
  /** Tells every instance (this one included). Resolves once the message was handed on. */
  send(message: string): Promise<void>;
  /** Called on this instance for every message sent by any instance. */
  onMessage(listener: (message: string) => void): void;
  /** Resolves once this instance is listening (or after timeoutMs). */
  ready(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/** One process: a message reaches this process's listeners at once. */
export function createLocalSignal(): Signal {
  const listeners: ((message: string) => void)[] = [];
  return {
    async send(message) {
      for (const listener of listeners) listener(message);
    },
    onMessage: (listener) => void listeners.push(listener),
    ready: async () => undefined,
    close: async () => undefined,
  };
}
