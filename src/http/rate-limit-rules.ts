import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * One rate-limit rule from `config/rate-limits.json`. A request whose path starts with `pathPrefix`
 * (query string ignored) and whose method is one of `methods` (any method when absent) counts against the rule, per client IP and, where the account is
 * known, per account. Every matching rule counts, exactly as every AWS WAF rate-based rule does, so the
 * CDK app (infra/) can mirror the file into WAF without changing what a rule means.
 */
export interface RateLimitRule {
  /** Unique; also the counter's key namespace. */
  name: string;
  /** The route class (`auth`, `checkout`, `search`, `api`, `csp-report`, `default`): the metric label. */
  class: string;
  pathPrefix: string;
  limit: number;
  windowSeconds: number;
  /**
   * Upper-case methods counted (e.g. `["POST"]`): a form's rule counts its submissions, not the views of
   * the form, so a shopper reloading the page is never refused. Absent: every method.
   */
  methods?: string[];
}

export interface RateLimitRules {
  rules: RateLimitRule[];
  /** Path prefixes never counted (health checks from the load balancer, metrics scrapes). */
  exempt: string[];
}

/** The rules shipped with the app: `<repo>/config/rate-limits.json` (also `<release>/config/` beside dist/). */
export const defaultRateLimitsFile = fileURLToPath(new URL('../../config/rate-limits.json', import.meta.url));

const namePattern = /^[A-Za-z0-9_-]{1,100}$/;

/** Reads and validates a rules file, returning the rules or every problem found in it. */
export function loadRateLimitRules(path: string): { rules: RateLimitRules; problems: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : 'not valid JSON';
    return { rules: { rules: [], exempt: [] }, problems: [`${path}: ${why}`] };
  }
  return parseRateLimitRules(parsed, path);
}

export function parseRateLimitRules(value: unknown, where: string): { rules: RateLimitRules; problems: string[] } {
  const problems: string[] = [];
  const rules: RateLimitRule[] = [];
  if (!isRecord(value) || !Array.isArray(value.rules)) {
    return { rules: { rules, exempt: [] }, problems: [`${where}: expected an object with a "rules" array`] };
  }
  const names = new Set<string>();
  value.rules.forEach((rule: unknown, i: number) => {
    const at = `${where}: rules[${i}]`;
    if (!isRecord(rule)) {
      problems.push(`${at} must be an object`);
      return;
    }
    const { name, pathPrefix, limit, windowSeconds, methods } = rule;
    const cls = rule.class ?? name;
    const before = problems.length;
    if (typeof name !== 'string' || !namePattern.test(name)) problems.push(`${at}.name must be 1-100 letters, digits, _ or -`);
    else if (names.has(name)) problems.push(`${at}.name "${name}" is used twice`);
    if (typeof cls !== 'string' || !namePattern.test(cls)) problems.push(`${at}.class must be 1-100 letters, digits, _ or -`);
    if (typeof pathPrefix !== 'string' || !pathPrefix.startsWith('/') || pathPrefix.length > 200) {
      problems.push(`${at}.pathPrefix must be a path starting with "/"`);
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) problems.push(`${at}.limit must be a positive integer`);
    if (typeof windowSeconds !== 'number' || !Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > 86_400) {
      problems.push(`${at}.windowSeconds must be a whole number of seconds from 1 to 86400`);
    }
    if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string' && /^[A-Z]{3,7}$/.test(m)))) {
      problems.push(`${at}.methods must be a non-empty list of upper-case HTTP methods`);
    }
    if (problems.length > before) return;
    names.add(name as string);
    rules.push({
      name: name as string, class: cls as string, pathPrefix: pathPrefix as string, limit: limit as number, windowSeconds: windowSeconds as number,
      ...(methods !== undefined ? { methods: methods as string[] } : {}),
    });
  });
  const exempt = value.exempt ?? [];
  if (!Array.isArray(exempt) || !exempt.every((p) => typeof p === 'string' && p.startsWith('/'))) {
    problems.push(`${where}: "exempt" must be a list of paths starting with "/"`);
    return { rules: { rules, exempt: [] }, problems };
  }
  return { rules: { rules, exempt: exempt as string[] }, problems };
}

/**
 * The rules a request counts against, in file order. The path is percent-decoded and lower-cased
 * first (as WAF's text transformations do), so `/Account/%73ign-in` cannot slip past a rule that the
 * router would still send to `/account/sign-in`. Without a method, every rule of the path matches.
 */
export function matchingRules(rules: readonly RateLimitRule[], url: string, method?: string): RateLimitRule[] {
  const path = normalisePath(url);
  const verb = method?.toUpperCase();
  return rules.filter((r) => path.startsWith(r.pathPrefix.toLowerCase()) && (r.methods === undefined || verb === undefined || r.methods.includes(verb)));
}

export function normalisePath(url: string): string {
  // An absolute-form target (`POST http://shop/api/v1/auth/sign-in`) is routed by its path, so it is
  // counted by its path too.
  const target = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '') || '/' : url;
  const raw = target.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
