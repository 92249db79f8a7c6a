import { randomBytes } from 'node:crypto';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsSecretStore } from '../../src/adapters/secrets/aws.js';
import { databasePasswordProvider, environmentWithSecrets } from '../../src/adapters/secrets/environment.js';
import type { SecretStore } from '../../src/adapters/secrets/secret-store.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { testPostgresUrl } from '../support/postgres.js';
import { startFakeSecretsManager, type FakeSecretsManager } from '../support/secrets-manager-server.js';
import { spawnServer } from '../support/spawn-server.js';

let sm: FakeSecretsManager;
let store: SecretStore;
const settingsArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:bastion/app-AbCdEf';
const dbArn = 'arn:aws:secretsmanager:eu-west-2:123456789012:secret:rds!db-1234';

beforeAll(async () => {
  sm = await startFakeSecretsManager();
  store = createAwsSecretStore(
    new SecretsManagerClient({ endpoint: sm.url, region: 'eu-west-2', credentials: { accessKeyId: 'AKIATEST', secretAccessKey: 'test-secret' } }),
  );
});
afterAll(async () => sm.close());

describe('settings from AWS Secrets Manager (real SDK client, loopback server)', () => {
  it('adds the settings secret to the environment, winning over values on disk', async () => {
    sm.secrets.set(settingsArn, JSON.stringify({ SHOP_NAME: 'From Secrets', STRIPE_SECRET_KEY: 'sk_test_123', 'bad name': 'x', EMPTY: '' }));
    const { env, fromSecrets } = await environmentWithSecrets({ SECRETS_ARN: settingsArn, SHOP_NAME: 'From disk', PORT: '4000' }, store);
    expect(env).toMatchObject({ SHOP_NAME: 'From Secrets', STRIPE_SECRET_KEY: 'sk_test_123', PORT: '4000' });
    expect(env['bad name']).toBeUndefined();
    expect(env.EMPTY).toBeUndefined();
    expect(fromSecrets.sort()).toEqual(['SHOP_NAME', 'STRIPE_SECRET_KEY']);
    const request = sm.requests.at(-1)!;
    expect(request).toMatchObject({ target: 'secretsmanager.GetSecretValue', secretId: settingsArn });
    expect(request.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIATEST\/\d{8}\/eu-west-2\/secretsmanager\/aws4_request/);
  });

  it('builds DATABASE_URL from the RDS secret without putting the password in it', async () => {
    sm.secrets.set(dbArn, JSON.stringify({ username: 'bastion_app', password: 'p@ss/word', host: 'db.internal', port: 5432, dbname: 'shop', engine: 'postgres' }));
    const { env } = await environmentWithSecrets({ DATABASE_SECRET_ARN: dbArn }, store);
    expect(env.DATABASE_URL).toBe('postgres://bastion_app@db.internal:5432/shop');
    const config = loadConfig(env);
    expect(config.database).toMatchObject({ kind: 'postgres', passwordSecretArn: dbArn });
  });

  it('leaves an explicit DATABASE_URL alone', async () => {
    const { env } = await environmentWithSecrets({ DATABASE_SECRET_ARN: dbArn, DATABASE_URL: 'postgres://other@h/db' }, store);
    expect(env.DATABASE_URL).toBe('postgres://other@h/db');
  });

  it('fails clearly on a missing or malformed secret', async () => {
    await expect(environmentWithSecrets({ SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:nope' }, store)).rejects.toThrow(/can't find the specified secret/);
    sm.secrets.set('arn:list', JSON.stringify(['a']));
    await expect(environmentWithSecrets({ SECRETS_ARN: 'arn:list' }, store)).rejects.toThrow(/not a JSON object/);
    sm.secrets.set('arn:text', 'hunter2');
    await expect(environmentWithSecrets({ SECRETS_ARN: 'arn:text' }, store)).rejects.toThrow(/is not JSON/);
  });

  it('caches the database password, shares one fetch, and picks up a rotated one after the max age', async () => {
    let now = 0;
    sm.secrets.set(dbArn, JSON.stringify({ username: 'u', password: 'first', host: 'h' }));
    const before = sm.requests.length;
    const password = databasePasswordProvider(store, dbArn, { maxAgeMs: 60_000, now: () => now });
    expect(await Promise.all([password(), password(), password()])).toEqual(['first', 'first', 'first']);
    expect(sm.requests.length - before).toBe(1);
    sm.secrets.set(dbArn, JSON.stringify({ username: 'u', password: 'rotated', host: 'h' }));
    now = 59_000;
    expect(await password()).toBe('first');
    now = 60_001;
    expect(await password()).toBe('rotated');
    expect(sm.requests.length - before).toBe(2);
  });

  it.runIf(testPostgresUrl() !== undefined)('connects to PostgreSQL as the secret’s user with the secret’s password', async () => {
    const admin = new pg.Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    const role = `bastion_rot_${randomBytes(4).toString('hex')}`;
    await admin.query(`create role ${role} login password 'initial-pass'`);
    try {
      const url = new URL(testPostgresUrl()!);
      sm.secrets.set(dbArn, JSON.stringify({ username: role, password: 'initial-pass', host: url.hostname, port: Number(url.port || 5432), dbname: url.pathname.slice(1) }));
      const { env } = await environmentWithSecrets({ DATABASE_SECRET_ARN: dbArn }, store);
      const config = loadConfig(env);
      if (config.database.kind !== 'postgres') throw new Error('expected postgres');
      const handle = await openDatabase(config.database, { password: databasePasswordProvider(store, dbArn) });
      const { rows } = await (await import('kysely')).sql<{ u: string }>`select current_user as u`.execute(handle.db);
      expect(rows[0]?.u).toBe(role);
      await handle.close();
    } finally {
      await admin.query(`drop role if exists ${role}`);
      await admin.end();
    }
  });
});

describe('the server process with SECRETS_ARN', () => {
  it('starts with settings from the secret and never logs their values', async () => {
    sm.secrets.set(settingsArn, JSON.stringify({ SHOP_NAME: 'Secret Garden Goods', STRIPE_SECRET_KEY: 'sk_live_never_log_me' }));
    const server = await spawnServer({
      DATABASE_URL: 'memory://',
      SEED_DEMO: 'never',
      SECRETS_ARN: settingsArn,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'AKIATEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    try {
      const [url] = await server.listening();
      const page = await (await fetch(`${url}/`, { headers: { accept: 'text/html' } })).text();
      expect(page).toContain('Secret Garden Goods');
      expect(server.output()).toContain('"names":["SHOP_NAME","STRIPE_SECRET_KEY"]');
      expect(server.output()).not.toContain('sk_live_never_log_me');
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  });

  it('refuses to start when the secret cannot be read', async () => {
    const server = await spawnServer({
      DATABASE_URL: 'memory://',
      SECRETS_ARN: 'arn:aws:secretsmanager:eu-west-2:1:secret:missing',
      AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.url,
      AWS_REGION: 'eu-west-2',
      AWS_ACCESS_KEY_ID: 'AKIATEST',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
      AWS_EC2_METADATA_DISABLED: 'true',
    });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/can't find the specified secret/);
  });
});
