import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isKmsKeyArn, parseEnvMasterKey, type EnvMasterKey, type KeysConfig } from './adapters/keys/key-config.js';

export type { KeysConfig } from './adapters/keys/key-config.js';
export type { DatabaseConfig, DatabaseTimeouts } from './db/database-config.js';
import type { DatabaseConfig, DatabaseTimeouts } from './db/database-config.js';
import { parseIpRanges, type IpRange } from './http/ip-ranges.js';
import { defaultRateLimitsFile, loadRateLimitRules, type RateLimitRules } from './http/rate-limit-rules.js';

/**
 * Every setting Bastion reads, parsed and validated once at startup.
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
  /** `emf` also writes CloudWatch Embedded Metric Format to the CloudWatch agent. */
  metrics: { mode: 'prometheus' | 'emf'; namespace: string; agentEndpoint: string };
  shop: { name: string; currency: string; locale: string };
  /** The key port (KEYS): local master keys or an AWS KMS key, see src/adapters/keys/. */
  keys: KeysConfig;
  /** What the security advisor knows about backups (BACKUP_PLAN_ID, AWS_REGION). */
  backup: { planId: string | undefined; awsRegion: string | undefined };
  /**
   * Which peers' X-Forwarded-For/-Proto are believed (TRUST_PROXY): the proxies' addresses and CIDRs,
   * and/or a hop count; absent: none. See src/http/proxy-trust.ts.
   */
  trustProxy: { ranges: IpRange[]; hops: number | undefined } | undefined;
  /** HTTPS served by the process itself (TLS_CERT/TLS_KEY), with an optional plain-HTTP redirect listener. */
  tls: { certFile: string; keyFile: string; redirectPort: number | undefined } | undefined;
  /** Shared counters (rate limits) across instances; absent: in process. */
  redis: { url: string; prefix: string } | undefined;
  http: HttpSecurityConfig;
  /** Outgoing mail: SMTP_URL sends with nodemailer; absent: stored for the dev mailbox (src/adapters/mail). */
  mail: { smtpUrl: string | undefined; from: string; cooldownMs: number };
  /** The transactional outbox's worker (src/modules/outbox): in this process, or left to `npm run worker`. */
  outbox: { worker: 'on' | 'off'; leaseMs: number; pollMs: number; concurrency: number };
  /** Sessions of the built-in accounts (src/modules/auth/sessions.ts). */
  auth: {
    sessionIdleMinutes: number;
    sessionAbsoluteHours: number;
    /** Staff need a second factor before the back office opens; not a setting: required for every staff account. */
    staffMfaRequired: true;
    /** Who signs people in (AUTH_PROVIDER): the built-in accounts, or an Amazon Cognito user pool. */
    provider: 'local' | 'cognito';
    /** The user pool, when `provider` is cognito (docs/auth-cognito.md). */
    cognito: CognitoConfig | undefined;
  };
}

/** An Amazon Cognito user pool and its public app client (AUTH_PROVIDER=cognito). */
export interface CognitoConfig {
  /** COGNITO_USER_POOL_ID, e.g. us-east-1_AbC123. */
  poolId: string;
  /** COGNITO_CLIENT_ID: a public client (no secret) using the code flow with PKCE. */
  clientId: string;
  /** COGNITO_DOMAIN: the hosted UI's base URL (its /oauth2/authorize, /oauth2/token and /logout). */
  domain: string;
  /** The pool's region: the prefix of its id (its issuer lives there, whatever AWS_REGION says). */
  region: string;
  /** The ID tokens' `iss`: the pool's, or COGNITO_ISSUER (tests, development), whose discovery gives the endpoints. */
  issuer: string;
  /** True when COGNITO_ISSUER was given: endpoints come from its discovery document. */
  discover: boolean;
}

/** The in-app side of the WAF: CORS, CSRF, rate and request limits, IP lists (docs/security-http.md). */
export interface HttpSecurityConfig {
  corsOrigins: string[];
  /** ALLOWED_HOSTS: names besides PUBLIC_URL's host that a request's Host may carry (lower-case, no port). */
  allowedHosts: string[];
  rateLimits: { enabled: boolean; file: string; rules: RateLimitRules };
  ipBlocklist: IpRange[];
  ipAllowlist: IpRange[];
  /** Signs CSRF form tokens; absent outside production: a random per-process secret. */
  csrfSecret: string | undefined;
  maxUrlLength: number;
  maxHeaderBytes: number;
  /** HTTP_HEADERS_TIMEOUT_MS: the whole header block must arrive within this (slowloris). */
  headersTimeoutMs: number;
  /** HTTP_REQUEST_TIMEOUT_MS: headers and body must arrive within this (slow POST). */
  requestTimeoutMs: number;
  jsonMaxDepth: number;
  jsonMaxKeys: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/** Parses `env` (normally `process.env`) into a Config, or throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const read = new Reader(env, problems);

  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const port = read.integer('PORT', 3000, { min: 0, max: 65535 });
  const host = read.string('HOST', nodeEnv === 'production' ? '0.0.0.0' : '127.0.0.1');
  const dataDir = resolve(read.string('DATA_DIR', './data'));
  const tls = readTls(read, problems);
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
  const keys = readKeys(read, problems);
  const backup = { planId: read.optionalString('BACKUP_PLAN_ID'), awsRegion: read.optionalString('AWS_REGION') };

  const trustProxy = readTrustProxy(read, problems);
  const redisUrl = read.optionalString('REDIS_URL');
  const redis = redisUrl === undefined
    ? undefined
    : { url: read.url('REDIS_URL', redisUrl, ['redis:', 'rediss:']), prefix: read.pattern('REDIS_PREFIX', 'bastion:', /^[A-Za-z0-9:_.-]{0,64}$/, 'a short key prefix such as bastion:') };
  const http = readHttpSecurity(read, problems, { nodeEnv, webConcurrency });
  const smtpUrl = read.optionalString('SMTP_URL');
  const mail = {
    smtpUrl: smtpUrl === undefined ? undefined : read.url('SMTP_URL', smtpUrl, ['smtp:', 'smtps:']),
    from: read.pattern('MAIL_FROM', `"${shop.name.replaceAll('"', '')}" <no-reply@localhost>`, /^[^\r\n]{3,320}$/, 'a sender such as "Shop" <no-reply@shop.example>'),
    // One account mail (link or notice) per address per minute, whichever route asks for it.
    cooldownMs: read.integer('MAIL_COOLDOWN_SECONDS', 60, { min: 0, max: 3_600 }) * 1000,
  };
  const outbox = {
    worker: read.oneOf('OUTBOX_WORKER', ['on', 'off'] as const, 'on'),
    leaseMs: read.integer('OUTBOX_LEASE_SECONDS', 30, { min: 1, max: 3_600 }) * 1000,
    pollMs: read.integer('OUTBOX_POLL_MS', 1_000, { min: 10, max: 60_000 }),
    concurrency: read.integer('OUTBOX_CONCURRENCY', 2, { min: 1, max: 32 }),
  };
  // NIST SP 800-63B AAL2: reauthenticate after 30 minutes idle and at least every 12 hours.
  const authProvider = read.oneOf('AUTH_PROVIDER', ['local', 'cognito'] as const, 'local');
  const auth = {
    sessionIdleMinutes: read.integer('SESSION_IDLE_MINUTES', 30, { min: 5, max: 43_200 }),
    sessionAbsoluteHours: read.integer('SESSION_ABSOLUTE_HOURS', 12, { min: 1, max: 720 }),
    staffMfaRequired: true as const,
    provider: authProvider,
    cognito: authProvider === 'cognito' ? readCognito(read, problems, nodeEnv) : undefined,
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    keys, backup,
    nodeEnv, host, port, publicUrl, dataDir, logLevel, database, webConcurrency,
    shutdownTimeoutMs, shutdownReadinessDelayMs, bodyLimitBytes, metricsToken, seedDemo, catalogCacheTtlMs, metrics, shop, trustProxy, tls, redis, http,
    mail, outbox, auth,
  };
}

/**
 * The user pool for AUTH_PROVIDER=cognito. COGNITO_ISSUER replaces the pool's issuer for tests and
 * development against another OpenID provider (a loopback one in the tests). Plain http is refused outside
 * NODE_ENV=test/development: the discovery document, the signing keys and the token exchange would travel
 * unprotected, so anyone on the path could swap the keys or the tokens and sign in as anybody.
 */
function readCognito(read: Reader, problems: string[], nodeEnv: Config['nodeEnv']): CognitoConfig {
  const required = (name: string, example: string): string => {
    const value = read.optionalString(name);
    if (value === undefined) problems.push(`${name}: required with AUTH_PROVIDER=cognito (${example})`);
    return value ?? '';
  };
  const poolId = required('COGNITO_USER_POOL_ID', 'the user pool id, such as us-east-1_AbC123');
  const clientId = required('COGNITO_CLIENT_ID', 'the app client id of a public client without a secret');
  const domainRaw = required('COGNITO_DOMAIN', 'the hosted UI base URL, such as https://shop.auth.us-east-1.amazoncognito.com');
  const poolShape = /^([a-z]{2}(?:-[a-z]+)+-\d{1,2})_[0-9A-Za-z]{1,55}$/.exec(poolId);
  if (poolId !== '' && poolShape === null) problems.push(`COGNITO_USER_POOL_ID: "${poolId}" is not a user pool id such as us-east-1_AbC123`);
  if (clientId !== '' && !/^[\w+]{1,128}$/.test(clientId)) problems.push('COGNITO_CLIENT_ID: is not an app client id (letters, digits, + and _)');
  const region = poolShape?.[1] ?? '';
  const secureUrl = (name: string, value: string): string => {
    const url = read.url(name, value, ['https:', 'http:']);
    if (nodeEnv === 'production' && URL.canParse(url) && new URL(url).protocol === 'http:') {
      problems.push(`${name}: must use https:// outside NODE_ENV=test or development (over plain http the keys and tokens could be swapped in transit)`);
    }
    return url;
  };
  const domain = domainRaw === '' ? '' : secureUrl('COGNITO_DOMAIN', domainRaw);
  const issuerOverride = read.optionalString('COGNITO_ISSUER');
  const issuer = issuerOverride === undefined ? `https://cognito-idp.${region}.amazonaws.com/${poolId}` : secureUrl('COGNITO_ISSUER', issuerOverride);
  return { poolId, clientId, domain, region, issuer, discover: issuerOverride !== undefined };
}

function readTls(read: Reader, problems: string[]): Config['tls'] {
  const certFile = read.optionalString('TLS_CERT');
  const keyFile = read.optionalString('TLS_KEY');
  const redirectPort = read.optionalInteger('HTTP_REDIRECT_PORT', { min: 0, max: 65535 });
  if (certFile === undefined && keyFile === undefined) {
    if (redirectPort !== undefined) problems.push('HTTP_REDIRECT_PORT: only works with TLS_CERT and TLS_KEY (behind a proxy, let the proxy redirect)');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    problems.push('TLS_CERT and TLS_KEY: set both (paths to a PEM certificate chain and its private key) or neither');
    return undefined;
  }
  for (const [name, file] of [['TLS_CERT', certFile], ['TLS_KEY', keyFile]] as const) {
    if (!existsSync(file)) problems.push(`${name}: no file at ${file}`);
  }
  return { certFile: resolve(certFile), keyFile: resolve(keyFile), redirectPort };
}

function readTrustProxy(read: Reader, problems: string[]): Config['trustProxy'] {
  const value = read.optionalString('TRUST_PROXY');
  if (value === undefined) return undefined;
  if (value === 'true' || value === '*') {
    problems.push('TRUST_PROXY: trusting every peer would let anyone forge X-Forwarded-For; list the proxies\' CIDRs and/or give a hop count');
    return undefined;
  }
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const counts = entries.filter((e) => /^\d+$/.test(e));
  let hops: number | undefined;
  if (counts.length > 1) problems.push('TRUST_PROXY: give at most one hop count');
  if (counts[0] !== undefined) {
    hops = Number(counts[0]);
    if (hops < 1 || hops > 10) problems.push(`TRUST_PROXY: ${hops} hops is outside 1..10`);
  }
  const { ranges, invalid } = parseIpRanges(entries.filter((e) => !/^\d+$/.test(e)).join(','));
  if (invalid.length > 0) problems.push(`TRUST_PROXY: ${invalid.map((e) => `"${e}"`).join(', ')} is not an IP address, a CIDR range or a hop count`);
  return { ranges, hops };
}

function readHttpSecurity(read: Reader, problems: string[], ctx: { nodeEnv: Config['nodeEnv']; webConcurrency: number }): HttpSecurityConfig {
  const corsOrigins = (read.optionalString('CORS_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    let ok: boolean;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === origin;
    } catch {
      ok = false;
    }
    if (!ok) problems.push(`CORS_ORIGINS: "${origin}" is not an origin such as https://app.example.com (scheme and host, no path, no *)`);
  }
  const enabled = read.oneOf('RATE_LIMITS', ['on', 'off'] as const, 'on') === 'on';
  const file = resolve(read.string('RATE_LIMITS_FILE', defaultRateLimitsFile));
  const loaded = loadRateLimitRules(file);
  if (enabled) problems.push(...loaded.problems.map((p) => `RATE_LIMITS_FILE: ${p}`));
  const ipList = (name: string): IpRange[] => {
    const { ranges, invalid } = parseIpRanges(read.optionalString(name) ?? '');
    if (invalid.length > 0) problems.push(`${name}: ${invalid.map((e) => `"${e}"`).join(', ')} is not an IP address or CIDR range`);
    return ranges;
  };
  const csrfSecret = read.optionalString('CSRF_SECRET');
  if (csrfSecret !== undefined && csrfSecret.length < 32) problems.push('CSRF_SECRET: must be at least 32 characters');
  if (csrfSecret === undefined && (ctx.nodeEnv === 'production' || ctx.webConcurrency > 1)) {
    problems.push('CSRF_SECRET: required in production and with WEB_CONCURRENCY > 1, so every process signs the same form tokens (32+ random characters)');
  }
  const headersTimeoutMs = read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 });
  const requestTimeoutMs = read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 });
  if (headersTimeoutMs > requestTimeoutMs) problems.push('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  const allowedHosts = (read.optionalString('ALLOWED_HOSTS') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of allowedHosts) {
    if (!/^[a-z0-9.-]{1,253}$/.test(name) && !/^\[[0-9a-f:.]+\]$/.test(name)) problems.push(`ALLOWED_HOSTS: "${name}" is not a host name such as shop.example.com (no scheme, port or *)`);
  }
  return {
    corsOrigins,
    allowedHosts,
    rateLimits: { enabled, file, rules: loaded.rules },
    ipBlocklist: ipList('IP_BLOCKLIST'),
    ipAllowlist: ipList('IP_ALLOWLIST'),
    csrfSecret,
    maxUrlLength: read.integer('MAX_URL_LENGTH', 4096, { min: 256, max: 65_536 }),
    maxHeaderBytes: read.integer('MAX_HEADER_BYTES', 16_384, { min: 4096, max: 131_072 }),
    headersTimeoutMs,
    requestTimeoutMs,
    jsonMaxDepth: read.integer('JSON_MAX_DEPTH', 20, { min: 2, max: 256 }),
    jsonMaxKeys: read.integer('JSON_MAX_KEYS', 1000, { min: 10, max: 100_000 }),
  };
}

function readKeys(read: Reader, problems: string[]): KeysConfig {
  const kind = read.oneOf('KEYS', ['local', 'aws-kms'] as const, 'local');
  const maxAgeDays = read.integer('KEY_MAX_AGE_DAYS', 365, { min: 1, max: 3650 });
  const list = (name: string): string[] => (read.optionalString(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (kind === 'aws-kms') {
    const keyArn = read.optionalString('KMS_KEY_ID') ?? '';
    if (!isKmsKeyArn(keyArn)) {
      problems.push('KMS_KEY_ID: required with KEYS=aws-kms, as the key ARN (arn:aws:kms:<region>:<account>:key/<id>); an alias cannot be matched to stored ciphertexts');
    }
    const previousKeyArns = list('KMS_PREVIOUS_KEY_IDS');
    const bad = previousKeyArns.filter((arn) => !isKmsKeyArn(arn));
    if (bad.length > 0) problems.push(`KMS_PREVIOUS_KEY_IDS: ${bad.length} entr${bad.length === 1 ? 'y is' : 'ies are'} not a KMS key ARN`);
    const endpoint = read.optionalString('KMS_ENDPOINT');
    return {
      kind, keyArn, previousKeyArns, maxAgeDays,
      region: read.optionalString('AWS_REGION'),
      endpoint: endpoint === undefined ? undefined : read.url('KMS_ENDPOINT', endpoint, ['https:', 'http:']),
    };
  }
  // Never echo key material: problems name the variable and the expected shape only.
  const raw = read.optionalString('LOCAL_MASTER_KEY');
  const masterKey = raw === undefined ? undefined : parseEnvMasterKey(raw);
  if (raw !== undefined && masterKey === undefined) {
    problems.push('LOCAL_MASTER_KEY: must be 32 random bytes in base64, optionally prefixed by an id and a colon (id:base64), e.g. from `openssl rand -base64 32`');
  }
  const previousRaw = list('LOCAL_PREVIOUS_MASTER_KEYS');
  const previousKeys = previousRaw.map(parseEnvMasterKey).filter((k): k is EnvMasterKey => k !== undefined);
  if (previousKeys.length !== previousRaw.length) problems.push('LOCAL_PREVIOUS_MASTER_KEYS: every entry must be id:base64 of 32 bytes, separated by commas');
  if (previousRaw.length > 0 && raw === undefined) problems.push('LOCAL_PREVIOUS_MASTER_KEYS: only works with LOCAL_MASTER_KEY (the key file keeps its own previous keys)');
  const ids = [masterKey, ...previousKeys].filter((k) => k !== undefined).map((k) => k.id);
  if (new Set(ids).size !== ids.length) problems.push('LOCAL_MASTER_KEY, LOCAL_PREVIOUS_MASTER_KEYS: two keys share an id');
  const created = read.optionalString('LOCAL_MASTER_KEY_CREATED');
  const masterKeyCreatedAt = created === undefined ? undefined : new Date(created);
  if (masterKeyCreatedAt !== undefined && Number.isNaN(masterKeyCreatedAt.getTime())) {
    problems.push(`LOCAL_MASTER_KEY_CREATED: "${created}" is not a date such as 2026-11-27`);
  }
  return { kind, masterKey, previousKeys, masterKeyCreatedAt, maxAgeDays };
}

function readDatabase(read: Reader, dataDir: string): DatabaseConfig {
  const url = read.optionalString('DATABASE_URL');
  const poolSize = read.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 });
  const sslCaFile = read.optionalString('DATABASE_SSL_CA');
  const passwordSecretArn = read.optionalString('DATABASE_SECRET_ARN');
  const timeouts: DatabaseTimeouts = {
    statementMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }),
    lockMs: read.integer('DATABASE_LOCK_TIMEOUT_MS', 2_000, { min: 50, max: 600_000 }),
    poolMs: read.integer('DATABASE_POOL_TIMEOUT_MS', 3_000, { min: 50, max: 600_000 }),
  };
  if (url === undefined) return { kind: 'pglite', dataDir: resolve(dataDir, 'pg'), timeouts };
  if (url === 'memory://') return { kind: 'pglite', dataDir: undefined, timeouts };
  if (url.startsWith('file://')) {
    const path = url.slice('file://'.length);
    return { kind: 'pglite', dataDir: isAbsolute(path) ? path : resolve(path), timeouts };
  }
  const parsed = read.url('DATABASE_URL', url, ['postgres:', 'postgresql:']);
  return { kind: 'postgres', url: parsed, poolSize, sslCaFile, timeouts, ...(passwordSecretArn ? { passwordSecretArn } : {}) };
}

/** Small typed readers that record a problem and return a harmless default instead of throwing. */
class Reader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  private raw(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  }

  optionalString(name: string): string | undefined {
    return this.raw(name);
  }

  string(name: string, fallback: string): string {
    return this.raw(name) ?? fallback;
  }

  pattern(name: string, fallback: string, re: RegExp, what: string): string {
    const value = this.raw(name) ?? fallback;
    if (!re.test(value)) this.problems.push(`${name}: "${value}" is not ${what}`);
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${name}: "${value}" is not one of ${allowed.join(', ')}`);
    return fallback;
  }

  optionalInteger(name: string, range: { min: number; max: number }): number | undefined {
    return this.raw(name) === undefined ? undefined : this.integer(name, range.min, range);
  }

  integer(name: string, fallback: number, range: { min: number; max: number }): number {
    const value = this.raw(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value)) {
      this.problems.push(`${name}: "${value}" is not a whole number`);
      return fallback;
    }
    const n = Number(value);
    if (n < range.min || n > range.max) {
      this.problems.push(`${name}: ${n} is outside ${range.min}..${range.max}`);
      return fallback;
    }
    return n;
  }

  url(name: string, fallbackOrValue: string, protocols: string[]): string {
    const value = this.raw(name) ?? fallbackOrValue;
    try {
      const u = new URL(value);
      if (!protocols.includes(u.protocol)) {
        this.problems.push(`${name}: must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
      }
      return value.replace(/\/+$/, '');
    } catch {
      // Never echo a URL that may hold a password.
      this.problems.push(`${name}: is not a valid URL`);
      return fallbackOrValue;
    }
  }

  locale(name: string, fallback: string): string {
    const value = this.raw(name) ?? fallback;
    try {
      new Intl.Locale(value);
    } catch {
      this.problems.push(`${name}: "${value}" is not a BCP 47 locale such as en-GB`);
      return fallback;
    }
    return value;
  }
}
