import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { buildApp, type AppServices, type BuiltApp } from '../../src/app.js';
import type { CounterStore } from '../../src/adapters/cache/counter-store.js';
import type { CdnInvalidator } from '../../src/adapters/cdn/cdn.js';
import type { KeyRing } from '../../src/adapters/keys/key-ring.js';
import type { DevMailer } from '../../src/adapters/mail/dev.js';
import type { Mailer } from '../../src/adapters/mail/mailer.js';
import type { BusinessMetrics } from '../../src/adapters/metrics/business-metrics.js';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import type { ObjectStore } from '../../src/adapters/storage/object-store.js';
import { loadConfig, type Config } from '../../src/config.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import type { HttpMetrics } from '../../src/http/metrics.js';
import type { MailQueue } from '../../src/modules/outbox/index.js';
import type { PaymentEvents } from '../../src/modules/payments/index.js';
import type { RateLimitRule } from '../../src/http/rate-limit-rules.js';
import { countingHasher, type CountingHasher } from './hasher.js';
import { openTestDatabase } from './test-database.js';

/** The real app on a private test database, with its services at hand and everything a test observes. */
export interface TestApp extends AppServices {
  app: BuiltApp['app'];
  security: BuiltApp['security'];
  metrics: HttpMetrics;
  businessMetrics: BusinessMetrics;
  keyRing: KeyRing;
  mailer: Mailer;
  mail: MailQueue;
  config: Config;
  database: DatabaseHandle;
  /** argon2id with cheap parameters, counting the work it does (for the enumeration tests). */
  hasher: CountingHasher;
  /** The dev mailer every mail lands in (unless SMTP_URL is set). */
  mailbox: DevMailer;
  /** The app's clock; `advance` moves it. */
  clock: { now: Date; advance(ms: number): void };
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  /**
   * Rate-limit rules: 'shipped' keeps the configured defaults (or RATE_LIMITS_FILE); a list replaces them.
   * Default: one generous API rule, so flow tests never meet a limit they are not about.
   */
  rules?: RateLimitRule[] | 'shipped';
  /** Share a database with another app (two instances, or a database a test stops). */
  database?: DatabaseHandle;
  /** A second app on the same database must open the blind-index key sealed by the first one. */
  keyRing?: KeyRing;
  counterStore?: CounterStore;
  isShuttingDown?: () => boolean;
  /** The CDN port (default: from CDN, `none`). */
  cdn?: CdnInvalidator;
  /** The object store (default: the run's seeded local store); upload tests pass an empty one to see what is written. */
  store?: ObjectStore;
  /** Who hears payment outcomes (payment tests pass a recorder; default: the app's own wiring). */
  paymentEvents?: PaymentEvents;
}

const generous: RateLimitRule[] = [{ name: 'api', class: 'api', pathPrefix: '/api/', limit: 100_000, windowSeconds: 60 }];

/**
 * Builds the app as main.ts does, on a private copy of the seeded test database. When the run has
 * REDIS_URL (CI's second pass), the app uses that Redis for sessions and rate limits, under a key prefix
 * of its own unless `env` names one (two instances of one shop pass the same prefix).
 */
export async function createTestApp(env: Record<string, string> = {}, options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-test-'));
  const rulesEnv: Record<string, string> = {};
  if (options.rules !== 'shipped' && env.RATE_LIMITS_FILE === undefined) {
    rulesEnv.RATE_LIMITS_FILE = join(dataDir, 'rate-limits.json');
    await writeFile(rulesEnv.RATE_LIMITS_FILE, JSON.stringify({ rules: options.rules ?? generous, exempt: [] }));
  }
  const redisEnv: Record<string, string> = {};
  if (process.env.REDIS_URL && env.REDIS_URL === undefined) {
    redisEnv.REDIS_URL = process.env.REDIS_URL;
    redisEnv.REDIS_PREFIX = `test:${randomBytes(6).toString('hex')}:`;
  }
  // The read cache is off by default so a test sees its own writes at once; catalog-cache.test.ts covers it.
  // The outbox's worker too: tests run due jobs with `outbox.drain()` (mailsTo does), one at a time in the
  // order they were written, where a background worker would send two mails in either order.
  // The mail cooldown is off too, so flow tests may send one address several links in a row;
  // mail-cooldown.test.ts covers it. And the cap on one address's unpaid orders is high, so flow tests may
  // leave orders unpaid with the same address; unpaid-cap.test.ts covers it.
  const config = loadConfig({
    NODE_ENV: 'test', LOG_LEVEL: 'info', DATA_DIR: dataDir, CATALOG_CACHE_TTL_MS: '0', OUTBOX_WORKER: 'off', MAIL_COOLDOWN_SECONDS: '0', ORDER_MAX_UNPAID: '100',
    ...rulesEnv, ...redisEnv, ...env,
  });
  const database = options.database ?? (await openTestDatabase());
  const store = options.store ?? createLocalObjectStore(inject('objectsDir'));
  const logs: Record<string, unknown>[] = [];
  const clock = {
    now: new Date('2026-11-27T10:00:00.000Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const hasher = countingHasher();
  const built = await buildApp(config, {
    database,
    store,
    logStream: { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) },
    passwordHasher: hasher,
    now: () => clock.now,
    ...(options.keyRing ? { keyRing: options.keyRing } : {}),
    ...(options.counterStore ? { counterStore: options.counterStore } : {}),
    ...(options.isShuttingDown ? { isShuttingDown: options.isShuttingDown } : {}),
    ...(options.cdn ? { cdn: options.cdn } : {}),
    ...(options.paymentEvents ? { paymentEvents: options.paymentEvents } : {}),
  });
  return {
    ...built.services,
    app: built.app,
    security: built.security,
    metrics: built.metrics.http,
    businessMetrics: built.metrics.business,
    keyRing: built.adapters.keyRing,
    mailer: built.adapters.mailer,
    mail: built.adapters.mail,
    config,
    database,
    hasher,
    mailbox: built.adapters.mailer as DevMailer,
    clock,
    logs,
    close: async () => {
      await built.app.close();
      if (!options.database) await database.close();
    },
  };
}
