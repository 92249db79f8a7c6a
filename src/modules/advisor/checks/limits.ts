import { setting, type CheckGroup, type CheckResult } from '../advisor.types.js';

/** Rate limits on, and shared across instances where there are several. */
export const limitChecks: CheckGroup = ({ config }) => {
  const production = config.nodeEnv === 'production';
  const enabled = setting(config, 'http.rateLimits.enabled');
  const results: CheckResult[] = [];
  if (enabled === undefined) {
    results.push({ id: 'rate-limits', title: 'Rate limits', status: 'warn', detail: 'this build has no rate limits', fix: 'Upgrade to a build with in-app rate limits.' });
  } else if (enabled === true) {
    results.push({ id: 'rate-limits', title: 'Rate limits', status: 'pass', detail: 'per-route-class rate limits are on' });
  } else {
    results.push({
      id: 'rate-limits', title: 'Rate limits', status: production ? 'fail' : 'warn', detail: 'RATE_LIMITS=off: sign-in and checkout can be hammered',
      fix: 'Remove RATE_LIMITS=off.',
    });
  }
  const shared = setting(config, 'redis') !== undefined;
  if (enabled === true && production && !shared && config.database.kind === 'postgres') {
    results.push({
      id: 'rate-limit-store', title: 'Shared rate-limit counts', status: 'warn',
      detail: 'counts are kept per process, so N instances allow N times the limit',
      fix: 'Set REDIS_URL so every instance shares the counts.',
    });
  }
  return results;
};
