import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SettingsReader } from '../kernel/settings.js';
import { parseIpRanges, type IpRange } from './ip-ranges.js';
import { defaultRateLimitsFile, loadRateLimitRules, type RateLimitRules } from './rate-limit-rules.js';

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

/**
 * Which peers' X-Forwarded-For/-Proto are believed (TRUST_PROXY): the proxies' addresses and CIDRs,
 * and/or a hop count; absent: none. See proxy-trust.ts.
 */
export type TrustProxySettings = { ranges: IpRange[]; hops: number | undefined } | undefined;

/** HTTPS served by the process itself (TLS_CERT/TLS_KEY), with an optional plain-HTTP redirect listener. */
export type TlsSettings = { certFile: string; keyFile: string; redirectPort: number | undefined } | undefined;

export function readTls(read: SettingsReader): TlsSettings {
  const certFile = read.optionalString('TLS_CERT');
  const keyFile = read.optionalString('TLS_KEY');
  const redirectPort = read.optionalInteger('HTTP_REDIRECT_PORT', { min: 0, max: 65535 });
  if (certFile === undefined && keyFile === undefined) {
    if (redirectPort !== undefined) read.problem('HTTP_REDIRECT_PORT: only works with TLS_CERT and TLS_KEY (behind a proxy, let the proxy redirect)');
    return undefined;
  }
  if (certFile === undefined || keyFile === undefined) {
    read.problem('TLS_CERT and TLS_KEY: set both (paths to a PEM certificate chain and its private key) or neither');
    return undefined;
  }
  for (const [name, file] of [['TLS_CERT', certFile], ['TLS_KEY', keyFile]] as const) {
    if (!existsSync(file)) read.problem(`${name}: no file at ${file}`);
  }
  return { certFile: resolve(certFile), keyFile: resolve(keyFile), redirectPort };
}

export function readTrustProxy(read: SettingsReader): TrustProxySettings {
  const value = read.optionalString('TRUST_PROXY');
  if (value === undefined) return undefined;
  if (value === 'true' || value === '*') {
    read.problem('TRUST_PROXY: trusting every peer would let anyone forge X-Forwarded-For; list the proxies\' CIDRs and/or give a hop count');
    return undefined;
  }
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const counts = entries.filter((e) => /^\d+$/.test(e));
  let hops: number | undefined;
  if (counts.length > 1) read.problem('TRUST_PROXY: give at most one hop count');
  if (counts[0] !== undefined) {
    hops = Number(counts[0]);
    if (hops < 1 || hops > 10) read.problem(`TRUST_PROXY: ${hops} hops is outside 1..10`);
  }
  const { ranges, invalid } = parseIpRanges(entries.filter((e) => !/^\d+$/.test(e)).join(','));
  if (invalid.length > 0) read.problem(`TRUST_PROXY: ${invalid.map((e) => `"${e}"`).join(', ')} is not an IP address, a CIDR range or a hop count`);
  return { ranges, hops };
}

export function readHttpSecurity(read: SettingsReader, ctx: { nodeEnv: 'development' | 'production' | 'test'; webConcurrency: number }): HttpSecurityConfig {
  const corsOrigins = (read.optionalString('CORS_ORIGINS') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  for (const origin of corsOrigins) {
    let ok: boolean;
    try {
      const u = new URL(origin);
      ok = (u.protocol === 'https:' || u.protocol === 'http:') && u.origin === origin;
    } catch {
      ok = false;
    }
    if (!ok) read.problem(`CORS_ORIGINS: "${origin}" is not an origin such as https://app.example.com (scheme and host, no path, no *)`);
  }
  const enabled = read.oneOf('RATE_LIMITS', ['on', 'off'] as const, 'on') === 'on';
  const file = resolve(read.string('RATE_LIMITS_FILE', defaultRateLimitsFile));
  const loaded = loadRateLimitRules(file);
  if (enabled) for (const p of loaded.problems) read.problem(`RATE_LIMITS_FILE: ${p}`);
  const ipList = (name: string): IpRange[] => {
    const { ranges, invalid } = parseIpRanges(read.optionalString(name) ?? '');
    if (invalid.length > 0) read.problem(`${name}: ${invalid.map((e) => `"${e}"`).join(', ')} is not an IP address or CIDR range`);
    return ranges;
  };
  const csrfSecret = read.optionalString('CSRF_SECRET');
  if (csrfSecret !== undefined && csrfSecret.length < 32) read.problem('CSRF_SECRET: must be at least 32 characters');
  if (csrfSecret === undefined && (ctx.nodeEnv === 'production' || ctx.webConcurrency > 1)) {
    read.problem('CSRF_SECRET: required in production and with WEB_CONCURRENCY > 1, so every process signs the same form tokens (32+ random characters)');
  }
  const headersTimeoutMs = read.integer('HTTP_HEADERS_TIMEOUT_MS', 10_000, { min: 100, max: 120_000 });
  const requestTimeoutMs = read.integer('HTTP_REQUEST_TIMEOUT_MS', 30_000, { min: 100, max: 600_000 });
  if (headersTimeoutMs > requestTimeoutMs) read.problem('HTTP_HEADERS_TIMEOUT_MS: must not be longer than HTTP_REQUEST_TIMEOUT_MS (the headers are part of the request)');
  const allowedHosts = (read.optionalString('ALLOWED_HOSTS') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  for (const name of allowedHosts) {
    if (!/^[a-z0-9.-]{1,253}$/.test(name) && !/^\[[0-9a-f:.]+\]$/.test(name)) read.problem(`ALLOWED_HOSTS: "${name}" is not a host name such as shop.example.com (no scheme, port or *)`);
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
