import { setting, type CheckGroup } from '../advisor.types.js';

/** /metrics must not be open to the internet in production. */
export const metricsChecks: CheckGroup = ({ config }) => {
  if (setting(config, 'metrics.mode') === 'emf' && config.metricsToken === undefined) {
    return [{ id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: 'metrics go to CloudWatch (EMF); /metrics answers only same-host scrapes' }];
  }
  if (config.nodeEnv !== 'production') {
    return [{ id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: `not production: /metrics is open to ${config.nodeEnv === 'development' ? 'everyone' : 'the same host'}` }];
  }
  return [
    config.metricsToken !== undefined
      ? { id: 'metrics-token', title: 'Metrics token', status: 'pass', detail: '/metrics needs the METRICS_TOKEN bearer token' }
      : {
          id: 'metrics-token', title: 'Metrics token', status: 'warn', detail: '/metrics answers only same-host scrapes; a scraper elsewhere cannot reach it',
          fix: 'Set METRICS_TOKEN (24+ random characters) and give it to the scraper.',
        },
  ];
};
