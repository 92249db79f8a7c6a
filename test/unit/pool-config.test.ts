import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { poolConfig } from '../../src/db/database.js';

describe('PostgreSQL pool settings', () => {
  it('uses the URL as given when no CA is configured', () => {
    const config = poolConfig({ kind: 'postgres', url: 'postgres://app@db:5432/shop', poolSize: 7, sslCaFile: undefined });
    expect(config).toMatchObject({ connectionString: 'postgres://app@db:5432/shop', max: 7 });
    expect(config.ssl).toBeUndefined();
  });

  it('bounds every statement, every lock wait and the wait for a connection', () => {
    const timeouts = { statementMs: 4_000, lockMs: 1_500, poolMs: 2_500 };
    const config = poolConfig({ kind: 'postgres', url: 'postgres://app@db:5432/shop', poolSize: 7, sslCaFile: undefined, timeouts });
    expect(config).toMatchObject({ statement_timeout: 4_000, lock_timeout: 1_500, connectionTimeoutMillis: 2_500 });
  });

  it('requires TLS verified against the CA, and drops URL ssl parameters that could weaken it', async () => {
    const ca = join(await mkdtemp(join(tmpdir(), 'bastion-ca-')), 'rds-ca.pem');
    await writeFile(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    const config = poolConfig({ kind: 'postgres', url: 'postgres://app:pw@db.example:5432/shop?sslmode=no-verify&application_name=bastion', poolSize: 5, sslCaFile: ca });
    const ssl = config.ssl as { ca: string; rejectUnauthorized: boolean };
    expect(ssl.rejectUnauthorized).toBe(true);
    expect(ssl.ca).toContain('BEGIN CERTIFICATE');
    expect(config.connectionString).toBe('postgres://app:pw@db.example:5432/shop?application_name=bastion');
  });
});
