import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('refuses the test gateway in production: PAYMENTS required, test refused, unless PAYMENTS_TEST_IN_PRODUCTION=allow', () => {
    const prod = { NODE_ENV: 'production', CSRF_SECRET: 'x'.repeat(40) };
    expect(problemsOf(prod)).toEqual(['PAYMENTS: required in production (stripe, paypal or both); the test gateway is not a default there']);
    for (const payments of ['test', 'paypal,test']) {
      const problems = problemsOf({ ...prod, PAYMENTS: payments, PAYPAL_CLIENT_ID: 'id', PAYPAL_CLIENT_SECRET: 'secret', PAYPAL_WEBHOOK_ID: 'wh' });
      expect(problems, payments).toHaveLength(1);
      expect(problems[0]).toMatch(/^PAYMENTS: "test" is refused in production/);
    }
    expect(problemsOf({ ...prod, PAYMENTS: 'test', PAYMENTS_TEST_IN_PRODUCTION: 'yes' })).toEqual([
      'PAYMENTS_TEST_IN_PRODUCTION: only "allow" is accepted (got "yes")',
      expect.stringMatching(/^PAYMENTS: "test" is refused in production/),
    ]);
    expect(loadConfig({ ...prod, PAYMENTS: 'test', PAYMENTS_TEST_IN_PRODUCTION: 'allow' }).payments).toEqual(['test']);
    // Outside production the test gateway stays the default.
    expect(loadConfig({}).payments).toEqual(['test']);
  });

  it('runs on the embedded default with no variables at all', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.database.kind === 'pglite' && config.database.dataDir?.endsWith('/data/pg')).toBe(true);
    expect(config.webConcurrency).toBe(1);
    expect(config.shop.currency).toBe('GBP');
  });

  it('takes memory:// as an in-memory PGlite and a postgres URL as a pool', () => {
    expect(loadConfig({ DATABASE_URL: 'memory://' }).database).toMatchObject({ kind: 'pglite', dataDir: undefined });
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db:5432/shop', DATABASE_POOL_SIZE: '25' }).database).toMatchObject({
      kind: 'postgres',
      poolSize: 25,
    });
  });

  it('bounds database waits by default, and takes other bounds from DATABASE_*_TIMEOUT_MS', () => {
    expect(loadConfig({}).database.timeouts).toEqual({ statementMs: 5_000, lockMs: 2_000, poolMs: 3_000 });
    const env = { DATABASE_URL: 'postgres://app@db:5432/shop', DATABASE_STATEMENT_TIMEOUT_MS: '8000', DATABASE_LOCK_TIMEOUT_MS: '500', DATABASE_POOL_TIMEOUT_MS: '1000' };
    expect(loadConfig(env).database.timeouts).toEqual({ statementMs: 8_000, lockMs: 500, poolMs: 1_000 });
    expect(() => loadConfig({ DATABASE_LOCK_TIMEOUT_MS: '0' })).toThrow(/DATABASE_LOCK_TIMEOUT_MS/);
  });

  it('names every bad variable at once, and why', () => {
    const problems = problemsOf({ PORT: 'eighty', NODE_ENV: 'staging', LOG_LEVEL: 'loud', SHOP_CURRENCY: 'pounds', DATABASE_URL: 'mysql://x' });
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/PORT: "eighty" is not a whole number/);
    expect(problems.join('\n')).toMatch(/NODE_ENV: "staging" is not one of development, production, test/);
    expect(problems.join('\n')).toMatch(/LOG_LEVEL/);
    expect(problems.join('\n')).toMatch(/SHOP_CURRENCY: "pounds" is not an ISO 4217 code/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
  });

  it('never echoes a database URL, which may hold a password', () => {
    const problems = problemsOf({ DATABASE_URL: 'postgres://user:s3cret@::bad' });
    expect(problems.join('\n')).not.toContain('s3cret');
  });

  it('refuses several workers on the embedded database', () => {
    expect(problemsOf({ WEB_CONCURRENCY: '4' }).join('\n')).toMatch(/WEB_CONCURRENCY: must be 1 on the embedded PGlite/);
    expect(problemsOf({ WEB_CONCURRENCY: '4', DATABASE_URL: 'postgres://db/shop', CSRF_SECRET: 'x'.repeat(40) })).toEqual([]);
  });

  it('checks ranges and lengths', () => {
    expect(problemsOf({ PORT: '70000' })[0]).toMatch(/PORT: 70000 is outside 0..65535/);
    expect(problemsOf({ METRICS_TOKEN: 'short' })[0]).toMatch(/METRICS_TOKEN/);
    expect(problemsOf({ SHOP_LOCALE: 'not a locale!' })[0]).toMatch(/SHOP_LOCALE/);
  });
});
