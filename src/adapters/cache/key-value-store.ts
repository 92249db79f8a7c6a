/**
 * A small shared key-value cache with per-entry expiry (Redis on AWS). Used where every instance must see
 * the same entries and a deletion must take effect everywhere at once (sessions). Callers treat a failure
 * as a miss and fall back to the database, so an outage costs speed, not correctness.
 */
export interface KeyValueStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  close(): Promise<void>;
}
