import type { SettingsReader } from '../../kernel/settings.js';

/** The transactional outbox's worker: in this process, or left to `npm run worker`. */
export interface OutboxSettings {
  worker: 'on' | 'off';
  leaseMs: number;
  pollMs: number;
  concurrency: number;
}

/** OUTBOX_WORKER, OUTBOX_LEASE_SECONDS, OUTBOX_POLL_MS, OUTBOX_CONCURRENCY. */
export function readOutboxSettings(read: SettingsReader): OutboxSettings {
  return {
    worker: read.oneOf('OUTBOX_WORKER', ['on', 'off'] as const, 'on'),
    leaseMs: read.integer('OUTBOX_LEASE_SECONDS', 30, { min: 1, max: 3_600 }) * 1000,
    pollMs: read.integer('OUTBOX_POLL_MS', 1_000, { min: 10, max: 60_000 }),
    concurrency: read.integer('OUTBOX_CONCURRENCY', 2, { min: 1, max: 32 }),
  };
}
