import { isIP } from 'node:net';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CounterStore } from '../adapters/cache/counter-store.js';
import { createMemoryCounterStore } from '../adapters/cache/memory.js';
import { unmapIpv4, type IpMatcher } from './ip-ranges.js';
import { matchingRules, normalisePath, type RateLimitRule, type RateLimitRules } from './rate-limit-rules.js';
import { rateLimited } from './security-errors.js';
import type { SecurityMetrics } from './security-metrics.js';

/** Who a request is counted as: always its client address, and its account once one is known. */
export interface RateLimitIdentity {
  ip: string;
  accountId?: string | undefined;
}

export interface RateLimiter {
  /**
   * Counts one request to `url` against every matching rule, per IP and (when given) per account, and
   * throws RATE_LIMITED (429, with Retry-After) when any count is over its limit. The global hook calls
   * it for every request; a route that learns the account later (sign-in, by the submitted e-mail) calls
   * it again with `accountId` so guessing passwords for one account from many addresses is limited too.
   */
  check(request: FastifyRequest, reply: FastifyReply, identity: RateLimitIdentity, url?: string): Promise<void>;
}

export interface RateLimitOptions {
  rules: RateLimitRules;
  store: CounterStore;
  /** Where requests are counted while `store` fails (default: in process). */
  fallback?: CounterStore;
  /** IP_ALLOWLIST: never counted. */
  allowlist: IpMatcher;
  metrics: SecurityMetrics;
  /**
   * The account of the request's validated session, if any. Asked only once the client address is under
   * its limits, so a flood of made-up session cookies costs no more than requests without one.
   */
  accountOf?: (request: FastifyRequest) => Promise<string | undefined>;
}

/**
 * The counter keys for one rule and identity. IPv6 clients are counted per /64, the block one subscriber
 * usually holds, so rotating through their own addresses does not reset the count.
 */
export function rateLimitKeys(rule: RateLimitRule, identity: RateLimitIdentity): string[] {
  const keys = [`rl:${rule.name}:ip:${clientAddressKey(identity.ip)}`];
  if (identity.accountId !== undefined) keys.push(`rl:${rule.name}:acct:${identity.accountId}`);
  return keys;
}

/** A client address as limits count it: IPv4 as is, IPv6 per /64. */
export function clientAddressKey(ip: string): string {
  const plain = unmapIpv4(ip).split('%')[0] ?? ip;
  if (isIP(plain) !== 6) return plain;
  const [head = '', tail] = plain.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups = tail === undefined ? h : [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t];
  return `${groups.slice(0, 4).map((g) => parseInt(g, 16).toString(16)).join(':')}::/64`;
}

/**
 * Rate limits by route class from config/rate-limits.json (see rate-limit-rules.ts), counted in the
 * CounterStore: in process by default, in Redis when REDIS_URL is set. If the store fails, the request is
 * counted in process instead (logged and counted in rate_limit_store_errors_total): never let through
 * uncounted, so a Redis outage cannot turn off the limits that guard credentials, and never refused for
 * the outage alone, so it does not take the shop down either. Each instance then counts on its own until
 * Redis answers again.
 */
export function registerRateLimits(app: FastifyInstance, options: RateLimitOptions): RateLimiter {
  const { store, metrics } = options;
  const fallback = options.fallback ?? createMemoryCounterStore();
  const exempt = options.rules.exempt.map((p) => p.toLowerCase());
  // Keys already counted for a request: a route calling check() again with the account adds the
  // account's count without counting the client address twice.
  const counted = new WeakMap<FastifyRequest, Set<string>>();
  // During an outage every request fails over: one warning every 10 s says so without flooding the log
  // (rate_limit_store_errors_total counts each one).
  let lastWarning = Number.NEGATIVE_INFINITY;

  const check: RateLimiter['check'] = async (request, reply, identity, url = request.url) => {
    const rules = matchingRules(options.rules.rules, url, request.method);
    if (rules.length === 0) return;
    const seen = counted.get(request) ?? new Set<string>();
    counted.set(request, seen);
    const entries = rules
      .flatMap((rule) => rateLimitKeys(rule, identity).map((key) => ({ key, rule, windowMs: rule.windowSeconds * 1000 })))
      .filter((e) => !seen.has(e.key));
    if (entries.length === 0) return;
    for (const e of entries) seen.add(e.key);
    let results: { count: number; resetMs: number }[];
    try {
      results = await store.hit(entries);
    } catch (err) {
      metrics.counterStoreError();
      if (performance.now() - lastWarning >= 10_000) {
        lastWarning = performance.now();
        request.log.warn({ err }, 'rate-limit store failed; counted in process');
      }
      results = await fallback.hit(entries);
    }
    let worst: { rule: RateLimitRule; resetMs: number } | undefined;
    results.forEach((r, i) => {
      const { rule } = entries[i]!;
      if (r.count > rule.limit && (worst === undefined || r.resetMs > worst.resetMs)) worst = { rule, resetMs: r.resetMs };
    });
    if (worst === undefined) return;
    const retryAfter = Math.max(1, Math.ceil(worst.resetMs / 1000));
    metrics.rateLimited(worst.rule.name, worst.rule.class);
    metrics.blocked('rate_limit');
    request.log.warn({ rule: worst.rule.name, class: worst.rule.class }, 'rate limited');
    reply.header('retry-after', String(retryAfter));
    reply.header('ratelimit-limit', String(worst.rule.limit));
    reply.header('ratelimit-remaining', '0');
    reply.header('ratelimit-reset', String(retryAfter));
    throw rateLimited(retryAfter);
  };

  app.addHook('onRequest', async (request, reply) => {
    const path = normalisePath(request.url);
    if (exempt.some((p) => path === p || path.startsWith(`${p}/`))) return;
    if (options.allowlist.has(request.ip)) return;
    await check(request, reply, { ip: request.ip });
    // Only a session the server issued and still honours gets a counter: a random cookie mints nothing.
    const accountId = await options.accountOf?.(request);
    if (accountId !== undefined) await check(request, reply, { ip: request.ip, accountId });
  });

  return { check };
}
