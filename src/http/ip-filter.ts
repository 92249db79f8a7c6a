import type { FastifyInstance } from 'fastify';
import { ipMatcher, type IpMatcher, type IpRange } from './ip-ranges.js';
import { ipBlocked } from './security-errors.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface IpFilterOptions {
  blocklist: readonly IpRange[];
  allowlist: readonly IpRange[];
  metrics: SecurityMetrics;
}

/**
 * IP_BLOCKLIST refuses a client address (403 IP_BLOCKED) before anything else runs; IP_ALLOWLIST names
 * addresses that are never blocked and never rate-limited (office NAT, uptime monitors, load tests), the
 * way an AWS WAF allow rule placed first works. The address is `request.ip`, so X-Forwarded-For counts
 * only from TRUST_PROXY peers. Returns the allow-list matcher for the rate limiter.
 */
export function registerIpFilter(app: FastifyInstance, options: IpFilterOptions): IpMatcher {
  const blocked = ipMatcher(options.blocklist);
  const allowed = ipMatcher(options.allowlist);
  if (blocked.size > 0) {
    app.addHook('onRequest', async (request) => {
      if (blocked.has(request.ip) && !allowed.has(request.ip)) {
        options.metrics.blocked('ip_blocklist');
        throw ipBlocked();
      }
    });
  }
  return allowed;
}
