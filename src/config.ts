import { isAbsolute, resolve } from 'node:path';

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
  bodyLimitBytes: number;
  metricsToken: string | undefined;
  seedDemo: 'auto' | 'always' | 'never';
  shop: { name: string; currency: string; locale: string };
}

export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | undefined }
  | { kind: 'postgres'; url: string; poolSize: number; sslCaFile: string | undefined };

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
  const publicUrl = read.url('PUBLIC_URL', `http://localhost:${port}`, ['http:', 'https:']);
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
  const bodyLimitBytes = read.integer('BODY_LIMIT_BYTES', 100 * 1024, { min: 1024, max: 50 * 1024 * 1024 });
  const metricsToken = read.optionalString('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 24) {
    problems.push('METRICS_TOKEN: must be at least 24 characters so it cannot be guessed');
  }
  const seedDemo = read.oneOf('SEED_DEMO', ['auto', 'always', 'never'] as const, 'auto');
  const shop = {
    name: read.string('SHOP_NAME', 'Bastion Supply Co.'),
    currency: read.pattern('SHOP_CURRENCY', 'GBP', /^[A-Z]{3}$/, 'an ISO 4217 code such as GBP or EUR'),
    locale: read.locale('SHOP_LOCALE', 'en-GB'),
  };

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    nodeEnv, host, port, publicUrl, dataDir, logLevel, database, webConcurrency,
    shutdownTimeoutMs, bodyLimitBytes, metricsToken, seedDemo, shop,
  };
}

function readDatabase(read: Reader, dataDir: string): DatabaseConfig {
  const url = read.optionalString('DATABASE_URL');
  const poolSize = read.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 });
  const sslCaFile = read.optionalString('DATABASE_SSL_CA');
  if (url === undefined) return { kind: 'pglite', dataDir: resolve(dataDir, 'pg') };
  if (url === 'memory://') return { kind: 'pglite', dataDir: undefined };
  if (url.startsWith('file://')) {
    const path = url.slice('file://'.length);
    return { kind: 'pglite', dataDir: isAbsolute(path) ? path : resolve(path) };
  }
  const parsed = read.url('DATABASE_URL', url, ['postgres:', 'postgresql:']);
  return { kind: 'postgres', url: parsed, poolSize, sslCaFile };
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
