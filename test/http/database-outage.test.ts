import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';

/**
 * The AWS stack replaces an instance when its liveness check fails, and never for a database outage
 * (infra/lib/constructs/load-balancer.ts). That holds only if /healthz does not consult the database while
 * /readyz does: this test stops the database under a running app and asks both.
 */
let t: TestApp;
let real: DatabaseHandle & { url?: string };
let stopped = false;
beforeAll(async () => {
  real = await openTestDatabase();
  const outage = (): never => {
    throw new Error('database unreachable (test outage)');
  };
  const database: DatabaseHandle = {
    ...real,
    db: real.db,
    ping: async () => (stopped ? outage() : real.ping()),
    close: async () => undefined,
  };
  t = await createTestApp({}, { database });
});
afterAll(async () => {
  await t.close();
  await real.close();
});

describe('a database outage', () => {
  it('leaves the process alive and not ready: /healthz 200, /readyz 503', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
    stopped = true;
    expect((await t.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    stopped = false;
    expect((await t.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
  });

  // Today a page or API call during the outage answers 500 INTERNAL; the error handler (src/http) is to map
  // an unreachable database to 503 with Retry-After. Left to the change that owns src/http.
  it.todo('answers pages and API calls with 503 and Retry-After while the database is unreachable');
});
