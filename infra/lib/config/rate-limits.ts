import { existsSync, readFileSync } from 'node:fs';

/**
 * The app keeps its own rate-limit rules as data (`config/rate-limits.json` at the repo root) so the
 * edge can mirror them: WAF stops a flood before it costs an instance anything, and the app's limits
 * still hold for whatever WAF cannot express.
 */
export interface RateLimitRule {
  readonly name: string;
  /** Requests whose path starts with this prefix count against the rule. */
  readonly pathPrefix: string;
  /** Requests allowed per client IP within the window. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** Only these methods count (a form's rule counts its posts, not views of the form); absent: every method. */
  readonly methods?: readonly string[];
}

export interface RateLimitSource {
  /** Where the rules came from: the file path, or `built-in` when the file does not exist. */
  readonly origin: string;
  readonly rules: readonly RateLimitRule[];
}

/** The evaluation windows a WAF rate-based rule accepts (`EvaluationWindowSec`). */
export const WAF_RATE_WINDOWS_SECONDS: readonly number[] = [60, 120, 300, 600];

/** WAF's smallest rate-based limit; a stricter app rule is mirrored at this floor. */
export const WAF_MIN_RATE_LIMIT = 10;

/**
 * Used when the app has not written its file yet. Mirrors the limits the app's auth, checkout and search
 * routes are designed around (see docs/deploy-aws.md), so the edge is never without them.
 */
export const DEFAULT_RATE_LIMIT_RULES: readonly RateLimitRule[] = [
  { name: 'account-sign-in', pathPrefix: '/account/sign-in', limit: 10, windowSeconds: 60 },
  { name: 'admin-sign-in', pathPrefix: '/admin/sign-in', limit: 10, windowSeconds: 60 },
  { name: 'api-auth', pathPrefix: '/api/v1/auth/', limit: 20, windowSeconds: 60 },
  { name: 'account-sign-up', pathPrefix: '/account/sign-up', limit: 10, windowSeconds: 600 },
  { name: 'account-reset', pathPrefix: '/account/reset', limit: 10, windowSeconds: 600 },
  { name: 'checkout', pathPrefix: '/api/v1/checkout', limit: 30, windowSeconds: 60 },
];

/** Reads the app's rules when the file exists, else the built-in set. A file that exists but is malformed fails loudly. */
export function loadRateLimitRules(path: string): RateLimitSource {
  if (!existsSync(path)) return { origin: 'built-in', rules: DEFAULT_RATE_LIMIT_RULES };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return { origin: path, rules: parseRateLimitRules(parsed, path) };
}

/** Validates the `{ "rules": [...] }` shape; unknown fields are ignored so the app may add its own. */
export function parseRateLimitRules(value: unknown, where: string): RateLimitRule[] {
  if (!isRecord(value) || !Array.isArray(value['rules'])) {
    throw new Error(`${where}: expected an object with a "rules" array`);
  }
  return value['rules'].map((rule: unknown, index: number) => {
    const at = `${where}: rules[${index}]`;
    if (!isRecord(rule)) throw new Error(`${at} must be an object`);
    const { name, pathPrefix, limit, windowSeconds, methods } = rule;
    if (typeof name !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(name)) {
      throw new Error(`${at}.name must be 1-100 letters, digits, _ or -`);
    }
    if (typeof pathPrefix !== 'string' || !pathPrefix.startsWith('/') || pathPrefix.length > 200) {
      throw new Error(`${at}.pathPrefix must be a path starting with "/"`);
    }
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
      throw new Error(`${at}.limit must be a positive integer`);
    }
    if (typeof windowSeconds !== 'number' || !Number.isInteger(windowSeconds) || windowSeconds < 1) {
      throw new Error(`${at}.windowSeconds must be a positive integer`);
    }
    if (methods !== undefined && (!Array.isArray(methods) || methods.length === 0 || !methods.every((m) => typeof m === 'string' && /^[A-Z]{3,7}$/.test(m)))) {
      throw new Error(`${at}.methods must be a non-empty list of upper-case HTTP methods`);
    }
    return { name, pathPrefix, limit, windowSeconds, ...(methods !== undefined ? { methods: methods as string[] } : {}) };
  });
}

export interface WafRateRule {
  readonly name: string;
  readonly pathPrefix: string;
  readonly limit: number;
  readonly windowSeconds: number;
  readonly methods?: readonly string[];
}

export interface RateLimitMirror {
  readonly mirrored: readonly WafRateRule[];
  /** Rules whose window WAF cannot express; the app alone enforces them. */
  readonly skipped: readonly RateLimitRule[];
}

/**
 * Keeps the rules whose window is one WAF supports, raising a limit below WAF's floor to the floor
 * (the app still enforces the stricter number). Rules with other windows are left to the app: stretching
 * or shrinking a window would change what the limit means.
 */
export function mirrorRateLimits(rules: readonly RateLimitRule[]): RateLimitMirror {
  const mirrored: WafRateRule[] = [];
  const skipped: RateLimitRule[] = [];
  for (const rule of rules) {
    if (!WAF_RATE_WINDOWS_SECONDS.includes(rule.windowSeconds)) {
      skipped.push(rule);
      continue;
    }
    mirrored.push({
      name: rule.name,
      pathPrefix: rule.pathPrefix.toLowerCase(),
      limit: Math.max(rule.limit, WAF_MIN_RATE_LIMIT),
      windowSeconds: rule.windowSeconds,
      ...(rule.methods !== undefined ? { methods: rule.methods } : {}),
    });
  }
  return { mirrored, skipped };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
