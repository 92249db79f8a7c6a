import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createShutdown } from '../../src/shutdown.js';
import { createTestApp } from '../support/test-app.js';

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
    t.app.get('/stuck', () => new Promise(() => undefined));
    const exits: number[] = [];
    const { shutdown } = createShutdown({ app: t.app, closeResources: () => t.database.close(), timeoutMs: 200, exit: (code) => exits.push(code) });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    const stuck = fetch(`${base}/stuck`).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
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
