import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { runAdvisor, formatReport } from '../../src/modules/advisor/advisor.service.js';
import type { AdvisorInput, CheckStatus } from '../../src/modules/advisor/advisor.types.js';
import type { KeyInfo } from '../../src/adapters/keys/key-ring.js';

const now = new Date('2026-11-27T12:00:00Z');
const strong = () => randomBytes(32).toString('base64');

function advise(env: Record<string, string>, keys: KeyInfo[] = []) {
  const full = { DATA_DIR: '/tmp/bastion-advisor', ...env };
  const input: AdvisorInput = { config: loadConfig(full), env: full, keys, now };
  const report = runAdvisor(input);
  const status = (id: string): CheckStatus | undefined => report.results.find((r) => r.id === id)?.status;
  return { report, status };
}

const production = {
  NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow',
  PUBLIC_URL: 'https://shop.example.com',
  TRUST_PROXY: '10.0.0.0/16',
  CSRF_SECRET: strong(),
  METRICS_TOKEN: strong(),
  DATABASE_URL: `postgres://bastion:${randomBytes(12).toString('hex')}@db.internal:5432/bastion?sslmode=verify-full`,
  REDIS_URL: 'redis://cache.internal:6379',
  KEYS: 'aws-kms',
  KMS_KEY_ID: 'arn:aws:kms:eu-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  AWS_REGION: 'eu-west-2',
  BACKUP_PLAN_ID: 'plan-0123',
  SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:bastion/app-AbCdEf',
  METRICS: 'emf',
  SMTP_URL: 'smtps://AKIAEXAMPLE:ses-smtp-password-0123456789@email-smtp.eu-west-2.amazonaws.com:465',
};

describe('security advisor', () => {
  it('fails an AWS production start on the embedded database, local keys or without Redis, and warns on the rest', () => {
    const { DATABASE_URL: _db, REDIS_URL: _redis, SECRETS_ARN: _secrets, ...rest } = production;
    const { report, status } = advise({ ...rest, KEYS: 'local', METRICS: 'prometheus', LOCAL_MASTER_KEY: '' });
    expect(status('aws-database')).toBe('fail');
    expect(status('aws-keys')).toBe('fail');
    expect(status('aws-redis')).toBe('fail');
    expect(status('aws-secrets')).toBe('warn');
    expect(status('aws-metrics')).toBe('warn');
    expect(report.ok).toBe(false);
    const unverified = advise({ ...production, DATABASE_URL: 'postgres://bastion:x9f3kq7m2v8w@db.internal:5432/bastion' });
    expect(unverified.status('aws-database-tls')).toBe('fail');
  });

  it('fails production without SMTP, where no verification or reset mail would ever arrive', () => {
    const { SMTP_URL: _smtp, ...noMail } = production;
    expect(advise(noMail).status('mail')).toBe('fail');
    expect(advise({ ...noMail, NODE_ENV: 'development' }).status('mail')).toBe('pass');
  });

  it('fails a production start with AUTH_PROVIDER=cognito and no staff pool, saying to configure it; warns outside production', () => {
    const cognito = { ...production, AUTH_PROVIDER: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-2_AbC123xyz', COGNITO_CLIENT_ID: 'abcdefghij1234567890abcdef', COGNITO_DOMAIN: 'https://shop.auth.eu-west-2.amazoncognito.com' };
    const { report, status } = advise(cognito);
    expect(status('staff-mfa')).toBe('fail');
    expect(report.ok).toBe(false);
    const finding = report.results.find((r) => r.id === 'staff-mfa')!;
    expect(finding.fix).toMatch(/^Configure the staff pool, where MFA is required: set COGNITO_STAFF_USER_POOL_ID, COGNITO_STAFF_CLIENT_ID and COGNITO_STAFF_DOMAIN/);
    expect(formatReport(report)).toContain('FAIL  MFA for staff: AUTH_PROVIDER=cognito without a staff pool');
    expect(advise({ ...cognito, NODE_ENV: 'development' }).status('staff-mfa')).toBe('warn');
    const withStaffPool = { ...cognito, COGNITO_STAFF_USER_POOL_ID: 'eu-west-2_Staff12345', COGNITO_STAFF_CLIENT_ID: 'staffclient1234567890abcd', COGNITO_STAFF_DOMAIN: 'https://shop-staff.auth.eu-west-2.amazoncognito.com' };
    expect(advise(withStaffPool).status('staff-mfa')).toBe('pass');
  });

  it('says nothing about AWS off AWS', () => {
    const { AWS_REGION: _region, BACKUP_PLAN_ID: _plan, ...offAws } = production;
    expect(advise(offAws).report.results.some((r) => r.id.startsWith('aws-'))).toBe(false);
  });

  it('passes a well-configured AWS production deployment', () => {
    const { report, status } = advise(production);
    expect(report.ok).toBe(true);
    expect(report.results.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([]);
    expect(status('staff-mfa')).toBe('pass');
    expect(status('tls')).toBe('pass');
    expect(status('hsts')).toBe('pass');
    expect(status('backups')).toBe('pass');
  });

  it('fails plain HTTP, debug logging and placeholder secrets in production, each with a fix', () => {
    const { report, status } = advise({ ...production, TRUST_PROXY: '', PUBLIC_URL: 'http://shop.example.com', LOG_LEVEL: 'debug', CSRF_SECRET: 'changeme-changeme-changeme-changeme' });
    expect(report.ok).toBe(false);
    expect(status('tls')).toBe('fail');
    expect(status('hsts')).toBe('fail');
    expect(status('debug')).toBe('fail');
    expect(status('secrets')).toBe('fail');
    expect(report.results.filter((r) => r.status === 'fail').every((r) => typeof r.fix === 'string' && !r.fix.includes('\n'))).toBe(true);
    expect(formatReport(report)).toMatch(/4 failed/);
    // Never prints a secret's value, only its name.
    expect(formatReport(report)).not.toContain('changeme-changeme');
  });

  it('fails a default database password and a backup-less AWS deployment', () => {
    const { status } = advise({ ...production, DATABASE_URL: 'postgres://postgres:postgres@db.internal/bastion', BACKUP_PLAN_ID: '' });
    expect(status('secrets')).toBe('fail');
    expect(status('backups')).toBe('fail');
  });

  it('fails a Prometheus production without a metrics token (metrics that go to CloudWatch need none)', () => {
    const { METRICS_TOKEN: _token, ...withoutToken } = production;
    expect(advise({ ...withoutToken, METRICS: 'prometheus' }).status('metrics-token')).toBe('fail');
    expect(advise({ ...withoutToken, METRICS: 'emf' }).status('metrics-token')).toBe('pass');
  });

  it('fails when rate limits are off in production', () => {
    expect(advise({ ...production, RATE_LIMITS: 'off' }).status('rate-limits')).toBe('fail');
    expect(advise({ RATE_LIMITS: 'off' }).status('rate-limits')).toBe('warn');
  });

  it('judges the age of a local master key from the key ring', () => {
    const key = (days: number): KeyInfo[] => [{ id: 'k', current: true, createdAt: new Date(now.getTime() - days * 86_400_000), source: 'file' }];
    expect(advise({}, key(30)).status('key-age')).toBe('pass');
    expect(advise({}, key(400)).status('key-age')).toBe('warn');
    expect(advise({}, key(800)).status('key-age')).toBe('fail');
    expect(advise({ KEY_MAX_AGE_DAYS: '90' }, key(100)).status('key-age')).toBe('warn');
    const withOld: KeyInfo[] = [...key(1), { id: 'old', current: false, createdAt: undefined, source: 'file' }];
    expect(advise({}, withOld).status('old-keys')).toBe('warn');
    expect(advise({ ...production, KEYS: 'local', LOCAL_MASTER_KEY: strong() }, [{ id: 'e', current: true, createdAt: undefined, source: 'env' }]).status('key-age')).toBe('warn');
  });

  it('warns about local keys in production but passes them in development', () => {
    expect(advise({ ...production, KEYS: 'local', LOCAL_MASTER_KEY: strong() }).status('key-source')).toBe('warn');
    expect(advise({}).status('key-source')).toBe('pass');
  });

  it('reports a check that throws as a failure instead of hiding the rest', () => {
    const input: AdvisorInput = { config: loadConfig({ DATA_DIR: '/tmp/x' }), env: {}, keys: [], now };
    const report = runAdvisor(input, [() => { throw new Error('boom'); }, () => [{ id: 'ok', title: 'ok', status: 'pass', detail: 'fine' }]]);
    expect(report.results.map((r) => r.status)).toEqual(['fail', 'pass']);
    expect(report.ok).toBe(false);
  });
});

describe('key configuration', () => {
  it('names every bad key setting without echoing key material', () => {
    let message = '';
    try {
      loadConfig({ KEYS: 'aws-kms', KMS_KEY_ID: 'alias/bastion', KMS_PREVIOUS_KEY_IDS: 'nope' });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toMatch(/KMS_KEY_ID: required with KEYS=aws-kms, as the key ARN/);
    expect(message).toMatch(/KMS_PREVIOUS_KEY_IDS/);
    const short = randomBytes(16).toString('base64');
    expect(() => loadConfig({ LOCAL_MASTER_KEY: short })).toThrow(/LOCAL_MASTER_KEY: must be 32 random bytes/);
    try {
      loadConfig({ LOCAL_MASTER_KEY: short });
    } catch (err) {
      expect((err as Error).message).not.toContain(short);
    }
    expect(() => loadConfig({ LOCAL_PREVIOUS_MASTER_KEYS: `old:${strong()}` })).toThrow(/only works with LOCAL_MASTER_KEY/);
  });

  it('parses env keys with ids and the KMS settings', () => {
    const config = loadConfig({ LOCAL_MASTER_KEY: `k2:${strong()}`, LOCAL_PREVIOUS_MASTER_KEYS: `k1:${strong()}`, LOCAL_MASTER_KEY_CREATED: '2026-01-01' });
    expect(config.keys).toMatchObject({ kind: 'local', masterKey: { id: 'k2' }, previousKeys: [{ id: 'k1' }], maxAgeDays: 365 });
    const kms = loadConfig({ KEYS: 'aws-kms', KMS_KEY_ID: production.KMS_KEY_ID, KMS_ENDPOINT: 'https://kms.eu-west-2.amazonaws.com' });
    expect(kms.keys).toMatchObject({ kind: 'aws-kms', keyArn: production.KMS_KEY_ID, previousKeyArns: [] });
  });
});
