import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { spawnServer } from '../support/spawn-server.js';
import { testPostgresUrl } from '../support/postgres.js';
import { openTestDatabase } from '../support/test-database.js';

const opened: (DatabaseHandle & { url?: string })[] = [];
afterAll(async () => Promise.all(opened.map((d) => d.close())));

/** A database URL for a child process: in-memory PGlite, or a private PostgreSQL database. */
async function databaseUrl(): Promise<string> {
  if (testPostgresUrl() === undefined) return 'memory://';
  const db = await openTestDatabase();
  opened.push(db);
  return db.url!;
}

describe('the server process', () => {
  it('refuses to start on a bad setting, naming each bad variable', async () => {
    const server = await spawnServer({ PORT: 'abc', SHOP_CURRENCY: 'pound', NODE_ENV: 'prod' });
    expect(await server.exited).toBe(78);
    expect(server.output()).toContain('PORT: "abc" is not a whole number');
    expect(server.output()).toContain('SHOP_CURRENCY');
    expect(server.output()).toContain('NODE_ENV');
  });

  it('refuses several workers on the embedded database, with the reason', async () => {
    const server = await spawnServer({ WEB_CONCURRENCY: '2', DATABASE_URL: 'memory://' });
    expect(await server.exited).toBe(78);
    expect(server.output()).toMatch(/WEB_CONCURRENCY: must be 1 on the embedded PGlite database/);
  });

  it('serves, then drains and exits 0 on SIGTERM', async () => {
    const server = await spawnServer({ DATABASE_URL: await databaseUrl(), SEED_DEMO: 'never' });
    const [url] = await server.listening();
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('stopped cleanly');
  });

  it.runIf(testPostgresUrl() !== undefined)('runs N workers sharing one port on PostgreSQL, and stops them all', async () => {
    const server = await spawnServer({ DATABASE_URL: await databaseUrl(), WEB_CONCURRENCY: '2', PORT: String(20_000 + (process.pid % 20_000)), CSRF_SECRET: 'test-csrf-secret-shared-by-all-workers-0123' });
    const urls = await server.listening(2);
    expect(new Set(urls).size).toBe(1);
    const pids = new Set([...server.output().matchAll(/"pid":(\d+)[^\n]*Server listening/g)].map((m) => m[1]));
    expect(pids.size).toBe(2);
    const responses = await Promise.all(Array.from({ length: 20 }, () => fetch(`${urls[0]}/api/v1/categories`).then((r) => r.status)));
    expect(responses.every((s) => s === 200)).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output().match(/stopped cleanly/g)).toHaveLength(2);
  });
});
