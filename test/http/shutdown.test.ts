import { connect, type AddressInfo, type Socket } from 'node:net';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { createShutdown } from '../../src/shutdown.js';
import { testPostgresUrl } from '../support/postgres.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { createTestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';

describe('graceful shutdown', () => {
  it('finishes in-flight requests, refuses new ones, fails readiness, closes the database and exits 0', async () => {
    const t = await createTestApp();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    t.app.get('/slow', async () => {
      started();
      await gate;
      return { done: true };
    });
    let closed = false;
    const exits: number[] = [];
    const { shutdown, isShuttingDown } = createShutdown({
      app: t.app,
      closeResources: async () => {
        await t.database.close();
        closed = true;
      },
      readinessDelayMs: 0,
      timeoutMs: 5_000,
      exit: (code) => exits.push(code),
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

    const slow = fetch(`${base}/slow`, { headers: { connection: 'close' } });
    await inFlight;
    const stopping = shutdown('SIGTERM');
    expect(isShuttingDown()).toBe(true);
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();

    release();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await stopping;
    expect(closed).toBe(true);
    expect(exits).toEqual([0]);
    expect(t.logs.some((l) => l.msg === 'stopped cleanly')).toBe(true);
  });

  it('closes stuck connections once the bound is reached, and still exits', async () => {
    const t = await createTestApp();
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    t.app.get('/stuck', () => {
      started();
      return new Promise(() => undefined);
    });
    const exits: number[] = [];
    const { shutdown } = createShutdown({ app: t.app, closeResources: () => t.database.close(), readinessDelayMs: 0, timeoutMs: 200, exit: (code) => exits.push(code) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const stuck = fetch(`${base}/stuck`).catch((err: unknown) => err);
    await inFlight;
    await shutdown('SIGTERM');
    expect(await stuck).toBeInstanceOf(Error);
    expect(exits).toEqual([0]);
    expect(t.logs.some((l) => String(l.msg).includes('did not finish in time'))).toBe(true);
  });

  it('reports not ready while draining', async () => {
    let draining = false;
    const t = await createTestApp({}, { isShuttingDown: () => draining });
    try {
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
      draining = true;
      const res = await t.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ status: 'unavailable', checks: { draining: { status: 'fail', detail: 'shutting down' } } });
    } finally {
      await t.close();
    }
  });

  it('reports not ready when the database is unreachable', async () => {
    // A PostgreSQL pool aimed at a closed port: every query fails as it would with the server down.
    const unreachable = await openDatabase({ kind: 'postgres', url: 'postgres://postgres@127.0.0.1:1/none', poolSize: 1, sslCaFile: undefined });
    const t = await createTestApp({}, { database: unreachable });
    try {
      const res = await t.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ checks: { database: { status: 'fail', detail: 'database unreachable' } } });
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);
      const api = await t.app.inject({ url: '/api/v1/categories' });
      expect(api.statusCode).toBe(503);
      expect(api.json()).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
      expect(api.body).not.toContain('ECONNREFUSED');
    } finally {
      await t.app.close();
      await unreachable.close();
    }
  });
});

const opened: DatabaseHandle[] = [];
afterAll(async () => Promise.all(opened.map((d) => d.close())));

/** Resolves once the child has printed `text` (its log lines are the events of its shutdown). */
function printed(server: ServerProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (server.output().includes(text)) return resolve();
      if (server.child.exitCode !== null) return reject(new Error(`exited before printing "${text}":\n${server.output()}`));
      setTimeout(check, 20);
    };
    check();
  });
}

/**
 * A request in flight on its own socket: the headers and half the body are sent now, the rest on
 * `finish()`, which resolves with everything the server answered once it closes the connection.
 */
function startUpload(port: number, body: string): Promise<{ finish: () => Promise<{ answer: string; error: string | undefined }> }> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(port, '127.0.0.1');
    let answer = '';
    let error: string | undefined;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    socket.on('data', (b: Buffer) => (answer += b.toString()));
    socket.on('error', (err: NodeJS.ErrnoException) => (error = err.code ?? err.message));
    socket.once('connect', () => {
      const half = Math.floor(body.length / 2);
      socket.write(`POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, half)}`);
      resolve({
        finish: async () => {
          socket.write(body.slice(half));
          await closed;
          return { answer, error };
        },
      });
    });
    socket.once('error', reject);
  });
}

/** Whether a new TCP connection to the port is accepted. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('draining a real server process on SIGTERM', () => {
  it('fails /readyz first while still serving, then stops accepting, finishes every in-flight request without a reset, and exits 0', async () => {
    let databaseUrl = 'memory://';
    if (testPostgresUrl() !== undefined) {
      const db = await openTestDatabase();
      opened.push(db);
      databaseUrl = db.url!;
    }
    const server = await spawnServer({ DATABASE_URL: databaseUrl, SEED_DEMO: 'never', SHUTDOWN_READINESS_DELAY_MS: '1500', SHUTDOWN_TIMEOUT_MS: '30000' });
    const [url] = await server.listening();
    const port = Number(new URL(url!).port);
    expect((await fetch(`${url}/readyz`, { headers: { connection: 'close' } })).status).toBe(200);

    const uploads = await Promise.all(
      Array.from({ length: 8 }, (_, i) => startUpload(port, JSON.stringify({ email: `nobody.${i}@example.com`, password: 'not-a-real-password-9' }))),
    );
    server.child.kill('SIGTERM');

    await printed(server, 'readiness failing, still serving');
    const ready = await fetch(`${url}/readyz`, { headers: { connection: 'close' } });
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { draining: { status: 'fail', detail: 'shutting down' } } });
    expect((await fetch(`${url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);

    await printed(server, 'closing the listener, draining in-flight requests');
    // New connections are refused from the moment the listener is closed (awaited, not timed).
    await vi.waitFor(async () => expect(await accepts(port)).toBe(false), { timeout: 30_000, interval: 20 });

    const answers = await Promise.all(uploads.map((u) => u.finish()));
    for (const { answer, error } of answers) {
      expect(error).toBeUndefined();
      expect(answer).toMatch(/^HTTP\/1\.1 401 Unauthorized\r\n/);
      expect(answer.toLowerCase()).toContain('connection: close');
      expect(answer).toContain('"code":"AUTH_INVALID_CREDENTIALS"');
    }
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('stopped cleanly');
    expect(server.output()).not.toContain('did not finish in time');
  });
});
