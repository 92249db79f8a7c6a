/**
 * Fixed-window counters shared by everything that limits a rate (route rate limits now; sign-in
 * throttling and one-time-code attempts later). One adapter keeps counts in process, the other in Redis,
 * so that several instances behind a load balancer share them.
 */
export interface CounterStore {
  /**
   * Adds one to each key's counter in a single round trip and returns, per key and in order, the count
   * after the increment and the milliseconds until that key's window ends. A key's window starts at its
   * first hit and lasts `windowMs` (per key, so keys with different windows can be hit together).
   */
  hit(entries: readonly { key: string; windowMs: number }[]): Promise<{ count: number; resetMs: number }[]>;
  /** Resolves once the store is connected, or after `timeoutMs` (a store in process is always ready). */
  ready?(timeoutMs: number): Promise<void>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}
