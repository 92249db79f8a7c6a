import { setting, type CheckGroup } from '../advisor.types.js';

/** /metrics must not be open to the internet in production: a Prometheus production needs METRICS_TOKEN. */
export const metricsChecks: CheckGroup = ({ config }) => {
  if (setting(config, 'metrics.mode') === 'emf' && config.metricsToken === undefined) {
    return [{ id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: `metrics go to CloudWatch (EMF); /metrics is ${config.nodeEnv === 'production' ? 'closed' : 'open to same-host scrapes only'}` }];
  }
  if (config.nodeEnv !== 'production') {
    return [{ id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: `not production: /metrics is open to ${config.nodeEnv === 'development' ? 'everyone' : 'the same host'}` }];
  }
  return [
    config.metricsToken !== undefined
      ? { id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: '/metrics needs the METRICS_TOKEN bearer token' }
      : {
          // A same-host check would let in everyone behind a reverse proxy on this host, so there is none.
          id: 'metrics-token', title: 'Metrics token', status: 'fail', detail: 'Prometheus metrics in production without METRICS_TOKEN: /metrics answers nobody',
          fix: 'Set METRICS_TOKEN (24+ random characters) and give it to the scraper.',
        },
  ];
};
