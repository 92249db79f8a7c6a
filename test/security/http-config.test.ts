import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { defaultRateLimitsFile, parseRateLimitRules } from '../../src/http/rate-limit-rules.js';
import { writeRules } from './security-helpers.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ NODE_ENV: 'test', ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('HTTP security configuration', () => {
  it('has safe defaults: no proxy trusted, no TLS, CORS closed, rate limits on from the shipped rules', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.trustProxy).toBeUndefined();
    expect(config.tls).toBeUndefined();
    expect(config.redis).toBeUndefined();
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.http.rateLimits.enabled).toBe(true);
    expect(config.http.rateLimits.rules.rules.map((r) => r.class)).toEqual(
      expect.arrayContaining(['auth', 'checkout', 'search', 'api', 'csp-report', 'default']),
    );
  });

  it('parses TRUST_PROXY as CIDRs, a hop count, or both', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/16, 2001:db8::/32' }).trustProxy).toEqual({
      hops: undefined,
      ranges: [
        { address: '10.0.0.0', prefix: 16, family: 'ipv4' },
        { address: '2001:db8::', prefix: 32, family: 'ipv6' },
      ],
    });
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toEqual({ hops: 2, ranges: [] });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/16,2' }).trustProxy?.hops).toBe(2);
  });

  it('names every bad security setting at once', () => {
    const problems = problemsOf({
      TRUST_PROXY: 'true',
      TLS_CERT: '/nonexistent/cert.pem',
      CORS_ORIGINS: 'https://ok.example,https://bad.example/path,*',
      IP_BLOCKLIST: '10.0.0.0/33,banana',
      IP_ALLOWLIST: '300.1.1.1',
      RATE_LIMITS: 'maybe',
      CSRF_SECRET: 'short',
      REDIS_URL: 'http://cache:6379',
      MAX_URL_LENGTH: '10',
    });
    const names = problems.map((p) => p.split(':')[0]);
    expect(names).toEqual(
      expect.arrayContaining(['TRUST_PROXY', 'TLS_CERT and TLS_KEY', 'CORS_ORIGINS', 'IP_BLOCKLIST', 'IP_ALLOWLIST', 'RATE_LIMITS', 'CSRF_SECRET', 'REDIS_URL', 'MAX_URL_LENGTH']),
    );
    expect(problems.filter((p) => p.startsWith('CORS_ORIGINS'))).toHaveLength(2);
    expect(problems.join('\n')).not.toContain('cache:6379');
  });

  it('refuses a redirect port without TLS, bad TRUST_PROXY entries and missing certificate files', () => {
    expect(problemsOf({ HTTP_REDIRECT_PORT: '8080' })[0]).toMatch(/^HTTP_REDIRECT_PORT: only works with TLS_CERT/);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/8,1,2' })[0]).toMatch(/at most one hop count/);
    expect(problemsOf({ TRUST_PROXY: '10.0.0.0/8,proxy.internal' })[0]).toMatch(/"proxy.internal" is not an IP address/);
    expect(problemsOf({ TLS_CERT: '/nonexistent/c.pem', TLS_KEY: '/nonexistent/k.pem' })).toEqual([
      'TLS_CERT: no file at /nonexistent/c.pem',
      'TLS_KEY: no file at /nonexistent/k.pem',
    ]);
  });

  it('requires CSRF_SECRET in production so every instance signs the same tokens', () => {
    expect(problemsOf({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow' }).some((p) => p.startsWith('CSRF_SECRET: required'))).toBe(true);
    expect(problemsOf({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(32) })).toEqual([]);
  });

  it('refuses a malformed rules file, naming the rule and field', async () => {
    const file = await writeRules([{ name: 'bad name', class: 'auth', pathPrefix: 'account', limit: 0, windowSeconds: 60 }]);
    const problems = problemsOf({ RATE_LIMITS_FILE: file });
    expect(problems.some((p) => p.includes('rules[0].name'))).toBe(true);
    expect(problems.some((p) => p.includes('rules[0].pathPrefix'))).toBe(true);
    expect(problems.some((p) => p.includes('rules[0].limit'))).toBe(true);
    expect(problemsOf({ RATE_LIMITS_FILE: '/nonexistent/rules.json' })[0]).toMatch(/file not found/);
    expect(problemsOf({ RATE_LIMITS_FILE: '/nonexistent/rules.json', RATE_LIMITS: 'off' })).toEqual([]);
  });

  it('ships rules in the shape the infra stack mirrors into AWS WAF', () => {
    const raw = JSON.parse(readFileSync(defaultRateLimitsFile, 'utf8')) as { rules: Record<string, unknown>[] };
    const { problems } = parseRateLimitRules(raw, 'config/rate-limits.json');
    expect(problems).toEqual([]);
    for (const rule of raw.rules) {
      expect(Object.keys(rule)).toEqual(expect.arrayContaining(['name', 'pathPrefix', 'limit', 'windowSeconds']));
      expect([60, 120, 300, 600]).toContain(rule.windowSeconds);
    }
  });
});
