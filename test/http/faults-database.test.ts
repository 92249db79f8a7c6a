import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fromPglite, openDatabase, pgliteExtensions, type DatabaseHandle } from '../../src/db/database.js';
import { testPostgresUrl } from '../support/postgres.js';
import { createTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';

const postgresUrl = testPostgresUrl();
const needsServer = 'needs DATABASE_URL: the embedded PGlite runs inside this process, so no second connection can lock it and it cannot be stopped';

const html = { accept: 'text/html' };

/** The answer every request gets while the database is slow or away: 503, Retry-After, and no detail. */
function expectUnavailableProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown; body: string }): void {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.json()).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE', detail: 'The shop is briefly unavailable. Please try again in a moment.' });
  expect(res.body).not.toMatch(/ECONNREFUSED|lock|timeout|terminat/i);
}

function expectUnavailablePage(res: { statusCode: number; headers: Record<string, unknown>; body: string }): void {
  expect(res.statusCode).toBe(503);
  expect(res.headers['retry-after']).toBe('5');
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.body).toContain('The shop is briefly unavailable. Please try again in a moment.');
}

describe.skipIf(postgresUrl === undefined)(`a slow database: a table the shop reads is locked (PostgreSQL${postgresUrl === undefined ? `; skipped: ${needsServer}` : ''})`, () => {
  let template: DatabaseHandle & { url?: string };
  let locker: pg.Client;
  beforeAll(async () => {
    template = await openTestDatabase();
    locker = new pg.Client({ connectionString: template.url! });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await template?.close();
  });

  /** An app whose pool has the given bounds, on the test database. */
  const appWith = async (timeouts: { statementMs: number; lockMs: number; poolMs: number }): Promise<{ t: TestApp; db: DatabaseHandle }> => {
    const db = await openDatabase({ kind: 'postgres', url: template.url!, poolSize: 3, sslCaFile: undefined, timeouts });
    return { t: await createTestApp({}, { database: db }), db };
  };

  it('answers 503 with Retry-After within the lock and pool bounds, for 20 concurrent reads, and recovers when the lock goes', async () => {
    const { t, db } = await appWith({ statementMs: 60_000, lockMs: 300, poolMs: 500 });
    try {
      expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
      await locker.query('begin');
      await locker.query('lock table product, search_document in access exclusive mode');
      try {
        // More requests than pooled connections: some wait for the lock, the rest for a connection.
        const answers = await Promise.all(Array.from({ length: 20 }, () => t.app.inject({ url: '/api/v1/products' })));
        for (const res of answers) expectUnavailableProblem(res);
        expectUnavailablePage(await t.app.inject({ url: '/', headers: html }));
        expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
        expect(t.logs.some((l) => l.msg === 'database unavailable')).toBe(true);
      } finally {
        await locker.query('rollback');
      }
      expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
      expect((await t.app.inject({ url: '/', headers: html })).statusCode).toBe(200);
    } finally {
      await t.app.close();
      await db.close();
    }
  });

  it('cuts a statement short at the statement bound even when the lock bound is longer', async () => {
    const { t, db } = await appWith({ statementMs: 300, lockMs: 60_000, poolMs: 5_000 });
    try {
      await locker.query('begin');
      await locker.query('lock table product, search_document in access exclusive mode');
      try {
        expectUnavailableProblem(await t.app.inject({ url: '/api/v1/products' }));
      } finally {
        await locker.query('rollback');
      }
      expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
    } finally {
      await t.app.close();
      await db.close();
    }
  });
});

describe.skipIf(postgresUrl !== undefined)('a slow embedded database: a long transaction holds PGlite’s one connection', () => {
  it('answers 503 with Retry-After once a request has waited DATABASE_POOL_TIMEOUT_MS, and recovers when the transaction ends', async () => {
    // A copy of the test database with a short bound on waiting for its connection.
    const pglite = await PGlite.create({ loadDataDir: new Blob([await readFile(inject('dbTemplate'))]), extensions: pgliteExtensions });
    const shared = fromPglite(pglite, { statementMs: 5_000, lockMs: 2_000, poolMs: 300 });
    const t = await createTestApp({}, { database: shared });
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const long = shared.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        await gate;
      });
      await held;
      try {
        expectUnavailableProblem(await t.app.inject({ url: '/api/v1/products' }));
        expectUnavailablePage(await t.app.inject({ url: '/', headers: html }));
      } finally {
        release();
        await long;
      }
      expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
    } finally {
      await t.close();
      await shared.close();
    }
  });
});

describe.skipIf(postgresUrl === undefined)(`a database that is down (PostgreSQL behind a proxy that is stopped${postgresUrl === undefined ? `; skipped: ${needsServer}` : ''})`, () => {
  let template: DatabaseHandle & { url?: string };
  let proxy: TcpProxy;
  let db: DatabaseHandle;
  let t: TestApp;
  beforeAll(async () => {
    template = await openTestDatabase();
    const target = new URL(template.url!);
    proxy = await createTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const through = new URL(template.url!);
    through.port = String(proxy.port);
    db = await openDatabase({ kind: 'postgres', url: through.toString(), poolSize: 3, sslCaFile: undefined, timeouts: { statementMs: 2_000, lockMs: 1_000, poolMs: 1_000 } });
    t = await createTestApp({}, { database: db });
  });
  afterAll(async () => {
    await t?.app.close();
    await db?.close();
    await proxy?.stop();
    await template?.close();
  });

  it('answers 503 with Retry-After (a page for browsers, problem+json for the API), keeps /healthz 200 and /readyz 503, and recovers without a restart', async () => {
    expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);

    await proxy.stop();
    expectUnavailableProblem(await t.app.inject({ url: '/api/v1/products' }));
    expectUnavailableProblem(await t.app.inject({ url: '/api/v1/categories' }));
    expectUnavailablePage(await t.app.inject({ url: '/', headers: html }));
    expectUnavailablePage(await t.app.inject({ url: '/c/any-category', headers: html }));
    expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'unavailable', checks: { database: { status: 'fail', detail: 'database unreachable' } } });

    await proxy.start();
    expect((await t.app.inject({ url: '/api/v1/products' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/', headers: html })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});
