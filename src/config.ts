import { resolve } from 'node:path';
import { readKeys, type KeysConfig } from './adapters/keys/key-config.js';
import { readCdnConfig, type CdnConfig } from './adapters/cdn/cdn.js';
import { readStorage, type StorageConfig } from './adapters/storage/storage-config.js';
import { readPaymentSettings, type PaymentProvider, type PaymentSettings } from './adapters/payments/payment-settings.js';
import { readDatabase, type DatabaseConfig } from './db/database-config.js';
import { readPublicCacheSettings, type PublicCacheSettings } from './http/http-cache.js';
import { readHttpSecurity, readTls, readTrustProxy, type HttpSecurityConfig, type TlsSettings, type TrustProxySettings } from './http/http.settings.js';
import { SettingsReader, type Env } from './kernel/settings.js';
import { readAuthSettings, type AuthSettings } from './modules/auth/auth.settings.js';
import { readCartSettings, type CartSettings } from './modules/cart/cart.settings.js';
import { readMediaSettings, type MediaSettings } from './modules/media/media.settings.js';
import { readOrdersSettings, type OrdersSettings } from './modules/orders/orders.settings.js';
import { readOutboxSettings, type OutboxSettings } from './modules/outbox/outbox.settings.js';
import { readPageIntegritySettings, type PageIntegritySettings } from './modules/page-integrity/page-integrity.settings.js';
import { readPricingSettings, type PricingSettings } from './modules/pricing/pricing.settings.js';

export type { KeysConfig } from './adapters/keys/key-config.js';
export type { DatabaseConfig, DatabaseTimeouts } from './db/database-config.js';
export type { HttpSecurityConfig } from './http/http.settings.js';
export type { CognitoConfig } from './modules/auth/auth.settings.js';

/**
 * Every setting Bastion reads, parsed and validated once at startup. Each floor and module declares
 * its own settings (`readAuthSettings`, `readHttpSecurity`, `readDatabase`, ...); this file composes them.
 * `loadConfig` collects every problem before failing, so an operator fixes a bad
 * deployment in one pass instead of one variable per restart.
 */
export interface Config {
  nodeEnv: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicUrl: string;
  dataDir: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  database: DatabaseConfig;
  webConcurrency: number;
  shutdownTimeoutMs: number;
  /** On SIGTERM, how long /readyz fails while the server still serves, before it stops accepting. */
  shutdownReadinessDelayMs: number;
  bodyLimitBytes: number;
  metricsToken: string | undefined;
  seedDemo: 'auto' | 'always' | 'never';
  catalogCacheTtlMs: number;
  /** How long CloudFront may keep anonymous catalog answers (CATALOG_CDN_MAX_AGE, CATALOG_CDN_STALE_WHILE_REVALIDATE). */
  catalogCdn: PublicCacheSettings;
  /** The CDN port (CDN=none|cloudfront, CDN_DISTRIBUTION_ID), fed by the outbox after catalog changes. */
  cdn: CdnConfig;
  /** `emf` also writes CloudWatch Embedded Metric Format to the CloudWatch agent. */
  metrics: { mode: 'prometheus' | 'emf'; namespace: string; agentEndpoint: string };
  shop: { name: string; currency: string; locale: string };
  /** The key port (KEYS): local master keys or an AWS KMS key, see src/adapters/keys/. */
  keys: KeysConfig;
  /** What the security advisor knows about backups (BACKUP_PLAN_ID, AWS_REGION). */
  backup: { planId: string | undefined; awsRegion: string | undefined };
  /** Which peers' X-Forwarded-For/-Proto are believed (TRUST_PROXY); see src/http/proxy-trust.ts. */
  trustProxy: TrustProxySettings;
  /** HTTPS served by the process itself (TLS_CERT/TLS_KEY), with an optional plain-HTTP redirect listener. */
  tls: TlsSettings;
  /** Shared counters (rate limits) across instances; absent: in process. */
  redis: { url: string; prefix: string } | undefined;
  http: HttpSecurityConfig;
  /** Outgoing mail: SMTP_URL sends with nodemailer; absent: stored for the dev mailbox (src/adapters/mail). */
  mail: { smtpUrl: string | undefined; from: string; cooldownMs: number };
  /** The transactional outbox's worker (src/modules/outbox): in this process, or left to `npm run worker`. */
  outbox: OutboxSettings;
  /** Sessions of the built-in accounts and who signs people in (src/modules/auth/auth.settings.ts). */
  auth: AuthSettings;
  /** The object store (STORAGE): files under DATA_DIR, or an S3 bucket with SSE-KMS (src/adapters/storage). */
  storage: StorageConfig;
  /** Upload limits and CDN_URL (src/modules/media/media.settings.ts). */
  media: MediaSettings;
  /** PAYMENTS: the payment providers in use (default the built-in test gateway); the storefront shows only their marks. */
  payments: PaymentProvider[];
  /** The payment pages' tamper check: its schedule and where it fetches them (src/modules/page-integrity). */
  pageIntegrity: PageIntegritySettings;
  /** Tax-inclusive prices and the estimate's country (src/modules/pricing/pricing.settings.ts). */
  pricing: PricingSettings;
  /** Quantity limits and the guest cookie's lifetime (src/modules/cart/cart.settings.ts). */
  cart: CartSettings;
  /** Each chosen provider's keys, the test gateway's webhook target, reconciliation timing (src/adapters/payments/payment-settings.ts). */
  paymentGateways: PaymentSettings;
  /** How long an unpaid order holds its stock, how often reconciliation runs (src/modules/orders/orders.settings.ts). */
  orders: OrdersSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` (normally `process.env`) into a Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const read = new SettingsReader(env);
  const problems = read.problems;

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = read.integer('PORT', 3000, { min: 0, max: 65535 });
  const host = read.string('HOST', nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1');
  const dataDir = resolve(read.string('DATA_DIR', './data'));
  const tls = readTls(read);
  const publicUrl = read.url('PUBLIC_URL', `${tls ? 'https' : 'http'}://localhost:${port}`, ['http:', 'https:']);
  const logLevel = read.oneOf(
    'LOG_LEVEL',
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
    nodeEnv === 'test' ? 'silent' : 'info',
  );
  const database = readDatabase(read, dataDir);
  const webConcurrency = read.integer('WEB_CONCURRENCY', 1, { min: 1, max: 64 });
  if (webConcurrency > 1 && database.kind === 'pglite') {
    problems.push(
      'WEB_CONCURRENCY: must be 1 on the embedded PGlite database, because one process owns its files; ' +
        'set DATABASE_URL to a PostgreSQL server to run several workers',
    );
  }
  const shutdownTimeoutMs = read.integer('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 0, max: 600_000 });
  // One ALB health-check interval (infra/lib/constructs/load-balancer.ts) in production; nothing waits locally.
  const shutdownReadinessDelayMs = read.integer('SHUTDOWN_READINESS_DELAY_MS', nodeEnv === 'production' ? 15_000 : 0, { min: 0, max: 600_000 });
  const bodyLimitBytes = read.integer('BODY_LIMIT_BYTES', 100 * 1024, { min: 1024, max: 50 * 1024 * 1024 });
  const metricsToken = read.optionalString('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 24) {
    problems.push('METRICS_TOKEN: must be at least 24 characters so it cannot be guessed');
  }
  const seedDemo = read.oneOf('SEED_DEMO', ['auto', 'always', 'never'] as const, 'auto');
  const catalogCacheTtlMs = read.integer('CATALOG_CACHE_TTL_MS', 5_000, { min: 0, max: 3_600_000 });
  const catalogCdn = readPublicCacheSettings(read);
  const cdn = readCdnConfig(read);
  const metrics = {
    mode: read.oneOf('METRICS', ['prometheus', 'emf'] as const, 'prometheus'),
    namespace: read.pattern('METRICS_NAMESPACE', 'Bastion', /^[A-Za-z0-9_./#:-]{1,255}$/, 'a CloudWatch namespace'),
    // The aws-embedded-metrics library's own variable name, read here so each app instance has its own.
    agentEndpoint: read.pattern('AWS_EMF_AGENT_ENDPOINT', 'tcp://127.0.0.1:25888', /^(tcp|udp):\/\/[^\s/]+:\d+$/, 'tcp://host:port or udp://host:port'),
  };
  const shop = {
    name: read.string('SHOP_NAME', 'Bastion Supply Co.'),
    currency: read.pattern('SHOP_CURRENCY', 'GBP', /^[A-Z]{3}$/, 'an ISO 4217 code such as GBP or EUR'),
    locale: read.locale('SHOP_LOCALE', 'en-GB'),
  };
  const keys = readKeys(read);
  const backup = { planId: read.optionalString('BACKUP_PLAN_ID'), awsRegion: read.optionalString('AWS_REGION') };

  const trustProxy = readTrustProxy(read);
  const redisUrl = read.optionalString('REDIS_URL');
  const redis = redisUrl === undefined
    ? undefined
    : { url: read.url('REDIS_URL', redisUrl, ['redis:', 'rediss:']), prefix: read.pattern('REDIS_PREFIX', 'bastion:', /^[A-Za-z0-9:_.-]{0,64}$/, 'a short key prefix such as bastion:') };
  const http = readHttpSecurity(read, { nodeEnv, webConcurrency });
  const smtpUrl = read.optionalString('SMTP_URL');
  const mail = {
    smtpUrl: smtpUrl === undefined ? undefined : read.url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']),
    from: read.pattern('MAIL_FROM', `"${shop.name.replaceAll('"', '')}" <no-reply@localhost>`, /^[^\r\n]{3,320}$/, 'a sender such as "Shop" <no-reply@shop.example>'),
    // One account mail (link or notice) per address per minute, whichever route asks for it.
    cooldownMs: read.integer('MAIL_COOLDOWN_SECONDS', 60, { min: 0, max: 3_600 }) * 1000,
  };
  const outbox = readOutboxSettings(read);
  const auth = readAuthSettings(read, { nodeEnv });
  const storage = readStorage(read, { nodeEnv });
  const media = readMediaSettings(read, { nodeEnv });
  const paymentGateways = readPaymentSettings(read, { publicUrl, nodeEnv });
  const payments = paymentGateways.providers;
  const pageIntegrity = readPageIntegritySettings(read, { nodeEnv, publicUrl });
  const pricing = readPricingSettings(read);
  const cart = readCartSettings(read);
  const orders = readOrdersSettings(read);

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    keys, backup,
    nodeEnv, host, port, publicUrl, dataDir, logLevel, database, webConcurrency,
    shutdownTimeoutMs, shutdownReadinessDelayMs, bodyLimitBytes, metricsToken, seedDemo, catalogCacheTtlMs, metrics, shop, trustProxy, tls, redis, http,
    mail, outbox, auth, catalogCdn, cdn,
    storage, media,
    payments, paymentGateways, pageIntegrity,
    pricing, cart,
    orders,
  };
}







