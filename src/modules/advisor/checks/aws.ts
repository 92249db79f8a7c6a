import type { CheckGroup, CheckResult } from '../advisor.types.js';

/**
 * What a production start on AWS needs (AWS_REGION set, as the infra stack does): the managed database
 * reached over verified TLS, keys in KMS, shared state in Redis, settings from Secrets Manager, metrics
 * to CloudWatch. Off AWS this group says nothing.
 */
export const awsChecks: CheckGroup = ({ config, env }) => {
  if (config.backup.awsRegion === undefined) return [];
  const strict = config.nodeEnv === 'production' ? 'fail' : 'warn';
  const results: CheckResult[] = [];
  const add = (id: string, title: string, ok: boolean, passDetail: string, failDetail: string, fix: string, status: 'fail' | 'warn' = strict): void => {
    results.push(ok ? { id, title, status: 'pass', detail: passDetail } : { id, title, status, detail: failDetail, fix });
  };

  const db = config.database;
  add('aws-database', 'Database on AWS', db.kind === 'postgres', 'PostgreSQL (RDS)', 'the embedded PGlite database on an instance disk, lost when the instance is replaced',
    'Set DATABASE_SECRET_ARN (the stack does) or DATABASE_URL to the RDS instance.');
  if (db.kind === 'postgres') {
    const verified = db.sslCaFile !== undefined || /[?&]sslmode=verify-full\b/.test(db.url);
    add('aws-database-tls', 'Database TLS', verified, 'TLS with the server certificate verified against the RDS CA', 'the database connection is not verified TLS',
      'Set DATABASE_SSL_CA to the RDS CA bundle (the stack installs it at /opt/bastion/certs/rds-global-bundle.pem).');
  }
  add('aws-keys', 'Keys in KMS', config.keys.kind === 'aws-kms', 'KEYS=aws-kms', `KEYS=${config.keys.kind}: the master key sits on the instance`,
    'Set KEYS=aws-kms and KMS_KEY_ID to the app key ARN from the stateful stack.');
  add('aws-redis', 'Shared state in Redis', config.redis !== undefined, 'REDIS_URL set: rate limits and sessions are shared by every instance', 'no REDIS_URL: each instance counts rate limits on its own',
    'Set REDIS_HOST and REDIS_AUTH_SECRET_ARN (the stack does) so REDIS_URL is built at start.');
  add('aws-secrets', 'Settings from Secrets Manager', env.SECRETS_ARN !== undefined, 'SECRETS_ARN set: provider keys and SMTP credentials never touch the disk',
    'no SECRETS_ARN: secrets would have to come from the instance environment', 'Set SECRETS_ARN to the app settings secret from the stateful stack.', 'warn');
  add('aws-metrics', 'Metrics to CloudWatch', config.metrics.mode === 'emf', 'METRICS=emf: dashboards and alarms receive the app’s figures',
    'METRICS is not emf: the dashboard and the order and payment alarms stay empty', 'Set METRICS=emf (the stack does).', 'warn');
  return results;
};
