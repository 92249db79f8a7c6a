import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { AppError } from '../../src/kernel/errors.js';
import { createAuditService } from '../../src/modules/audit/index.js';
import { createFieldEncryption, fieldContext } from '../../src/modules/encryption/field-encryption.js';
import { backoffMs, createOutbox, type Outbox } from '../../src/modules/outbox/index.js';
import { post } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { codeOf } from '../support/error-code.js';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff } from '../support/staff.js';

let t: TestApp;
beforeAll(async () => {
  // The worker is off: each test runs due jobs itself with drain() or runDue(), at the app's clock.
  t = await createTestApp({ OUTBOX_LEASE_SECONDS: '3600' });
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
const key = (label: string) => `${label}:${++n}:${Date.now().toString(36)}`;
const jobByKey = (k: string) => t.database.db.selectFrom('outbox_job').selectAll().where('key', '=', k).executeTakeFirst();
const metric = async (name: string): Promise<number> => {
  const text = (await t.app.inject({ url: '/metrics' })).body;
  const lines = text.split('\n').filter((l) => l.startsWith(name));
  return lines.reduce((sum, l) => sum + Number(l.split(' ').pop()), 0);
};

/** Records each run of a job type: how often each key ran, and whether two runs of one key overlapped. */
function recorder() {
  const runs = new Map<string, number>();
  const active = new Set<string>();
  let overlaps = 0;
  return {
    runs,
    get overlaps() {
      return overlaps;
    },
    async run(_payload: unknown, job: { key: string }) {
      if (active.has(job.key)) overlaps++;
      active.add(job.key);
      await new Promise((r) => setTimeout(r, Math.random() * 5));
      runs.set(job.key, (runs.get(job.key) ?? 0) + 1);
      active.delete(job.key);
    },
  };
}

describe('enqueue', () => {
  const seen = recorder();
  beforeAll(() => t.outbox.handle('test.enqueue', (p, j) => seen.run(p, j)));

  it('writes the job in the caller’s transaction: a rollback leaves none, a commit leaves one ready job', async () => {
    const rolledBack = key('rollback');
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await t.outbox.enqueue(trx, { type: 'test.enqueue', key: rolledBack, payload: { n: 1 } });
        throw new Error('the change failed');
      })
      .catch(() => undefined);
    expect(await jobByKey(rolledBack)).toBeUndefined();

    const committed = key('commit');
    await t.database.db.transaction().execute((trx) => t.outbox.enqueue(trx, { type: 'test.enqueue', key: committed, payload: { n: 2 } }));
    expect(await jobByKey(committed)).toMatchObject({ status: 'ready', attempts: 0, max_attempts: 12, locked_until: null, last_error: null });
    await t.outbox.drain();
    expect(seen.runs.get(committed)).toBe(1);
    expect(seen.runs.has(rolledBack)).toBe(false);
  });

  it('does nothing for a key that exists already, pending or done', async () => {
    const k = key('twice');
    expect(await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: { n: 1 } })).toBe(true);
    expect(await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: { n: 2 } })).toBe(false);
    await t.outbox.drain();
    expect(await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: { n: 3 } })).toBe(false);
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(1);
    expect(await t.database.db.selectFrom('outbox_job').select('id').where('key', '=', k).execute()).toHaveLength(1);
  });

  it('stores the payload as an envelope sealed for its row, and drops it once the job is done', async () => {
    const k = key('sealed');
    const payload = { to: 'ann@example.com', link: 'https://shop.example/account/reset?token=secret-token-value' };
    await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload });
    const row = (await jobByKey(k))!;
    const sealed = Buffer.from(row.payload_encrypted!);
    // An envelope of the key ring's format (its header names the current key), not an encoding of the text.
    expect(t.keyRing.keyIdOf(sealed)).toBe(t.keyRing.currentKeyId());
    const context = fieldContext({ table: 'outbox_job', column: 'payload_encrypted', rowId: row.id });
    expect(JSON.parse((await t.keyRing.decrypt(sealed, context)).toString('utf8'))).toEqual(payload);
    // Moved to another row (or column), it does not open.
    const otherRow = fieldContext({ table: 'outbox_job', column: 'payload_encrypted', rowId: '00000000-0000-4000-8000-000000000000' });
    expect(await codeOf(t.keyRing.decrypt(sealed, otherRow))).toBe('KEYS_CONTEXT_MISMATCH');
    await t.outbox.drain();
    expect(await jobByKey(k)).toMatchObject({ status: 'done', payload_encrypted: null, attempts: 1 });
  });

  it('forgets a done job after 30 days: its key may then be written again', async () => {
    const k = key('old');
    await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: {} });
    await t.outbox.drain();
    t.clock.advance(29 * 24 * 3_600_000);
    await t.outbox.pruneDone();
    expect(await jobByKey(k)).toMatchObject({ status: 'done' });
    expect(await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: {} })).toBe(false);
    t.clock.advance(2 * 24 * 3_600_000);
    expect(await t.outbox.pruneDone()).toBeGreaterThanOrEqual(1);
    expect(await jobByKey(k)).toBeUndefined();
    expect(await t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: k, payload: {} })).toBe(true);
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(2);
  });

  it('refuses a job it could not run: a bad type, an empty key, a payload that is not JSON', async () => {
    expect(await codeOf(t.outbox.enqueue(t.database.db, { type: 'Bad Type', key: key('bad'), payload: {} }))).toBe('OUTBOX_INVALID_JOB');
    expect(await codeOf(t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: '', payload: {} }))).toBe('OUTBOX_INVALID_JOB');
    expect(await codeOf(t.outbox.enqueue(t.database.db, { type: 'test.enqueue', key: key('bad'), payload: undefined }))).toBe('OUTBOX_INVALID_JOB');
  });
});

describe('running jobs', () => {
  it('runs a job only once its time has come', async () => {
    const seen = recorder();
    t.outbox.handle('test.later', (p, j) => seen.run(p, j));
    const k = key('later');
    await t.outbox.enqueue(t.database.db, { type: 'test.later', key: k, payload: {}, runAt: new Date(t.clock.now.getTime() + 60_000) });
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBeUndefined();
    t.clock.advance(60_000);
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(1);
  });

  it('retries a failing job after growing, jittered delays and parks it as dead after its last attempt, with its last error', async () => {
    let tries = 0;
    t.outbox.handle(
      'test.failing',
      async () => {
        tries++;
        const error = new AppError('TEST_UPSTREAM_DOWN', 'unavailable', 'The upstream service did not answer.');
        error.cause = Object.assign(new Error('connect ECONNREFUSED 10.0.0.7:25 for ann@example.com'), { code: 'ECONNREFUSED' });
        throw error;
      },
      { maxAttempts: 4 },
    );
    const failuresBefore = await metric('outbox_job_failures_total{type="test.failing"');
    const k = key('failing');
    await t.outbox.enqueue(t.database.db, { type: 'test.failing', key: k, payload: { to: 'ann@example.com' } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      const before = t.clock.now.getTime();
      await t.outbox.drain();
      const row = (await jobByKey(k))!;
      expect(row).toMatchObject({ status: 'ready', attempts: attempt, locked_until: null, locked_by: null });
      // Equal jitter: between half the step and the step (5 s, 10 s, 20 s).
      const step = 5_000 * 2 ** (attempt - 1);
      const delay = row.run_at.getTime() - before;
      expect(delay).toBeGreaterThanOrEqual(step / 2);
      expect(delay).toBeLessThanOrEqual(step);
      // Not due yet: draining again runs nothing.
      await t.outbox.drain();
      expect(tries).toBe(attempt);
      t.clock.advance(step);
    }
    await t.outbox.drain();
    const dead = (await jobByKey(k))!;
    expect(tries).toBe(4);
    expect(dead).toMatchObject({ status: 'dead', attempts: 4 });
    expect(dead.last_error).toBe('TEST_UPSTREAM_DOWN: The upstream service did not answer. (cause: ECONNREFUSED)');
    // The vendor's words (a host, a recipient) are not kept.
    expect(dead.last_error).not.toContain('ann@example.com');
    expect(dead.last_error).not.toContain('10.0.0.7');
    t.clock.advance(24 * 3_600_000);
    await t.outbox.drain();
    expect(tries).toBe(4);
    expect((await t.outbox.listDead()).map((j) => j.key)).toContain(k);
    expect((await metric('outbox_job_failures_total{type="test.failing"')) - failuresBefore).toBe(4);
    expect(await metric('outbox_job_failures_total{type="test.failing",outcome="dead"}')).toBe(1);
    expect(await metric('outbox_dead_jobs')).toBeGreaterThanOrEqual(1);
  });

  it('computes retry delays that double from 5 s up to 30 minutes, never below half a step', () => {
    expect([1, 2, 3, 4, 10, 11, 20].map((a) => backoffMs(a, () => 0))).toEqual([2_500, 5_000, 10_000, 20_000, 900_000, 900_000, 900_000]);
    expect([1, 2, 3, 4, 10, 11, 20].map((a) => backoffMs(a, () => 0.5))).toEqual([3_750, 7_500, 15_000, 30_000, 1_350_000, 1_350_000, 1_350_000]);
    expect(backoffMs(11, () => 0.999999)).toBeLessThanOrEqual(1_800_000);
  });

  it('reports queue depth and the age of the oldest due job on /metrics', async () => {
    // A type no handler serves here stays ready: what a stuck or missing worker looks like.
    const k = key('waiting');
    await t.outbox.enqueue(t.database.db, { type: 'test.unserved', key: k, payload: {} });
    expect(await metric('outbox_queue_depth')).toBeGreaterThanOrEqual(1);
    t.clock.advance(90_000);
    expect(await metric('outbox_oldest_ready_age_seconds')).toBeGreaterThanOrEqual(90);
    await t.database.db.deleteFrom('outbox_job').where('key', '=', k).execute();
  });

  it('lets another worker take a job whose lease ran out, and the first worker cannot record its late outcome', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const attempts: number[] = [];
    t.outbox.handle('test.lease', async (_p, job) => {
      attempts.push(job.attempt);
      if (job.attempt === 1) {
        started();
        await gate;
      }
    });
    const k = key('lease');
    await t.outbox.enqueue(t.database.db, { type: 'test.lease', key: k, payload: {} });
    const stuck = t.outbox.runDue(1);
    await running;
    expect(await jobByKey(k)).toMatchObject({ status: 'running', attempts: 1 });
    // Within the lease nobody else may take it.
    const other = otherOutbox(t.database);
    other.handle('test.lease', async (_p, job) => void attempts.push(job.attempt));
    await other.drain();
    expect(attempts).toEqual([1]);
    // The lease (an hour here) runs out: the job is presumed lost and runs again.
    t.clock.advance(3_600_000 + 1);
    await other.drain();
    expect(attempts).toEqual([1, 2]);
    expect(await jobByKey(k)).toMatchObject({ status: 'done', attempts: 2 });
    release();
    await stuck;
    expect(await jobByKey(k)).toMatchObject({ status: 'done', attempts: 2 });
    expect(t.logs.some((l) => l.msg === 'outbox job finished after its claim was lost' && l.type === 'test.lease')).toBe(true);
  });
});

/** A second outbox (another worker) on `database`, sharing the app's key ring and clock. */
function otherOutbox(database: DatabaseHandle, settings = { leaseMs: 3_600_000, pollMs: 10, concurrency: 4 }): Outbox {
  const db = database.db;
  return createOutbox({
    db,
    fieldEncryption: createFieldEncryption({ db, keyRing: t.keyRing }),
    audit: createAuditService({ db }),
    log: t.app.log,
    registry: new Registry(),
    emf: undefined,
    settings,
    now: () => t.clock.now,
  });
}

describe('coalesced jobs', () => {
  const payloads: unknown[] = [];
  const seen = recorder();
  beforeAll(() =>
    t.outbox.handle('test.coalesced', async (p, j) => {
      payloads.push(p);
      await seen.run(p, j);
    }),
  );

  it('keeps one job per key however many transactions ask, runs it once after they commit, and writes nothing on a rollback', async () => {
    const k = key('coalesced');
    await t.database.db
      .transaction()
      .execute(async (trx) => {
        await t.outbox.enqueueCoalesced(trx, [{ type: 'test.coalesced', key: k, payload: { n: 0 } }]);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect(await jobByKey(k)).toBeUndefined();
    for (let i = 1; i <= 5; i++) await t.database.db.transaction().execute((trx) => t.outbox.enqueueCoalesced(trx, [{ type: 'test.coalesced', key: k, payload: { n: i } }]));
    expect(await t.database.db.selectFrom('outbox_job').select('id').where('key', '=', k).execute()).toHaveLength(1);
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(1);
    // The first writer's payload is the one that runs: the rest found it waiting.
    expect(payloads.at(-1)).toEqual({ n: 1 });
    // Done, then asked again: it runs again, with fresh attempts and its new payload.
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.coalesced', key: k, payload: { n: 6 } }]);
    expect(await jobByKey(k)).toMatchObject({ status: 'ready', attempts: 0 });
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(2);
    expect(payloads.at(-1)).toEqual({ n: 6 });
  });

  it('runs a job asked for while it was running once more after that run, never beside it, and logs no lost claim', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const runs: number[] = [];
    let active = 0;
    let overlaps = 0;
    t.outbox.handle<{ n: number }>('test.rearm', async (p) => {
      if (active++ > 0) overlaps++;
      runs.push(p.n);
      if (runs.length === 1) {
        started();
        await gate;
      }
      active--;
    });
    const k = key('rearm');
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.rearm', key: k, payload: { n: 1 } }]);
    const first = t.outbox.runDue(10);
    await running;
    // A change commits while the first run works from what it read before.
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.rearm', key: k, payload: { n: 2 } }]);
    expect(await jobByKey(k)).toMatchObject({ status: 'ready', attempts: 0 });
    // Another worker may not start it while the first run holds its lease.
    const other = otherOutbox(t.database);
    other.handle<{ n: number }>('test.rearm', async (p) => void runs.push(-p.n));
    expect(await other.runDue(10)).toBe(0);
    release();
    await first;
    expect(await jobByKey(k)).toMatchObject({ status: 'ready', locked_by: null, locked_until: null });
    await t.outbox.drain();
    expect(runs).toEqual([1, 2]);
    expect(overlaps).toBe(0);
    expect(await jobByKey(k)).toMatchObject({ status: 'done', attempts: 1 });
    expect(t.logs.some((l) => l.msg === 'outbox job finished after its claim was lost' && l.type === 'test.rearm')).toBe(false);
  });

  it('keeps renewing the lease of a run whose job was asked for again, so no other worker starts it beside that run', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    let active = 0;
    let overlaps = 0;
    let runs = 0;
    const run = async () => {
      runs++;
      if (active++ > 0) overlaps++;
      if (runs === 1) {
        started();
        await gate;
      }
      active--;
    };
    // Leases of 300 ms, renewed every 100 ms by the run's heartbeat.
    const first = otherOutbox(t.database, { leaseMs: 300, pollMs: 10, concurrency: 4 });
    const second = otherOutbox(t.database, { leaseMs: 300, pollMs: 10, concurrency: 4 });
    first.handle('test.long-rearm', run);
    second.handle('test.long-rearm', run);
    const k = key('long-rearm');
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.long-rearm', key: k, payload: {} }]);
    const firstRun = first.runDue(1);
    await running;
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.long-rearm', key: k, payload: {} }]);
    // The first lease is long over by the clock; heartbeats renew it from the clock's new time.
    t.clock.advance(1_000);
    await new Promise((r) => setTimeout(r, 400));
    expect(await second.runDue(1)).toBe(0);
    release();
    await firstRun;
    await second.drain();
    expect(runs).toBe(2);
    expect(overlaps).toBe(0);
  });

  // Two connections: PostgreSQL only (PGlite has one, so a second transaction cannot be open beside it).
  it.runIf(process.env.DATABASE_URL)('does not start a waiting job while a transaction that asked for it again is still open', async () => {
    const k = key('coalesced-open');
    await t.outbox.enqueueCoalesced(t.database.db, [{ type: 'test.coalesced', key: k, payload: {} }]);
    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let asked!: () => void;
    const askedAgain = new Promise<void>((resolve) => (asked = resolve));
    const writer = t.database.db.transaction().execute(async (trx) => {
      await t.outbox.enqueueCoalesced(trx, [{ type: 'test.coalesced', key: k, payload: {} }]);
      asked();
      await held;
    });
    await askedAgain;
    const before = seen.runs.get(k) ?? 0;
    await t.outbox.runDue(50);
    expect(seen.runs.get(k) ?? 0).toBe(before);
    commit();
    await writer;
    await t.outbox.drain();
    expect(seen.runs.get(k)).toBe(before + 1);
  });
});

describe('stopping the worker', () => {
  it('stops claiming at once and lets the job it is running finish first', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const worker = otherOutbox(t.database, { leaseMs: 3_600_000, pollMs: 5, concurrency: 1 });
    const ran: string[] = [];
    worker.handle('test.stopping', async (_p, job) => {
      ran.push(job.key);
      started();
      await gate;
    });
    const first = key('stopping');
    const second = key('stopping');
    await worker.enqueue(t.database.db, { type: 'test.stopping', key: first, payload: {} });
    worker.worker.start();
    await running;
    await worker.enqueue(t.database.db, { type: 'test.stopping', key: second, payload: {} });
    let stopped = false;
    const stopping = worker.worker.stop(60_000).then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(ran).toEqual([first]);
    expect(await jobByKey(first)).toMatchObject({ status: 'done' });
    expect(await jobByKey(second)).toMatchObject({ status: 'ready', attempts: 0 });
    await t.database.db.deleteFrom('outbox_job').where('key', '=', second).execute();
  });
});

describe('two workers on one database', () => {
  it('never run the same job twice, nor one job in two places at once', async () => {
    // Two connection pools on one PostgreSQL database when DATABASE_URL is set; one PGlite otherwise.
    const url = (t.database as DatabaseHandle & { url?: string }).url;
    const second = url ? await openDatabase({ kind: 'postgres', url, poolSize: 5, sslCaFile: undefined }) : t.database;
    const a = otherOutbox(t.database, { leaseMs: 3_600_000, pollMs: 5, concurrency: 4 });
    const b = otherOutbox(second, { leaseMs: 3_600_000, pollMs: 5, concurrency: 4 });
    const seen = recorder();
    a.handle('test.shared', (p, j) => seen.run(p, j));
    b.handle('test.shared', (p, j) => seen.run(p, j));
    const keys = Array.from({ length: 60 }, () => key('shared'));
    for (const k of keys) await a.enqueue(t.database.db, { type: 'test.shared', key: k, payload: {} });
    try {
      a.worker.start();
      b.worker.start();
      const left = () =>
        t.database.db.selectFrom('outbox_job').select('id').where('type', '=', 'test.shared').where('status', '!=', 'done').execute();
      while ((await left()).length > 0) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await a.worker.stop(10_000);
      await b.worker.stop(10_000);
      if (second !== t.database) await second.close();
    }
    expect(keys.map((k) => seen.runs.get(k))).toEqual(keys.map(() => 1));
    expect(seen.overlaps).toBe(0);
  });
});

describe('dead jobs in the staff API', () => {
  let owner: string;
  let support: string;
  const browserOf = (cookie: string): FormBrowser => {
    const browser = new FormBrowser(t.app);
    const [name = '', value = ''] = cookie.split('=');
    browser.cookies.set(name, value);
    return browser;
  };
  beforeAll(async () => {
    t.outbox.handle('test.doomed', async () => Promise.reject(new AppError('TEST_DOOMED', 'internal', 'It always fails.')), { maxAttempts: 1 });
    owner = (await createSignedInStaff(t, 'owner')).cookie;
    support = (await createSignedInStaff(t, 'support')).cookie;
  });
  const doomed = async (): Promise<string> => {
    const k = key('doomed');
    await t.outbox.enqueue(t.database.db, { type: 'test.doomed', key: k, payload: { secret: 'x' } });
    await t.outbox.drain();
    return (await jobByKey(k))!.id;
  };

  it('lists dead jobs without their payloads, and retries one with a fresh set of attempts, audited', async () => {
    const id = await doomed();
    const list = await t.app.inject({ url: '/api/v1/admin/outbox/dead-jobs', headers: { cookie: owner } });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    const job = list.json<{ jobs: Record<string, unknown>[] }>().jobs.find((j) => j.id === id);
    expect(job).toMatchObject({ type: 'test.doomed', attempts: 1, maxAttempts: 1, lastError: 'TEST_DOOMED: It always fails.' });
    expect(Object.keys(job!)).not.toContain('payload');

    const res = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/retry`, {}, owner);
    expect(res.statusCode).toBe(204);
    expect(await t.database.db.selectFrom('outbox_job').select(['status', 'attempts']).where('id', '=', id).executeTakeFirst()).toEqual({ status: 'ready', attempts: 0 });
    const [event] = await t.audit.listForTarget('outbox_job', id);
    expect(event).toMatchObject({ action: 'outbox.job_retried', actorType: 'staff', actorRole: 'owner' });
    await t.outbox.drain();
    expect((await jobByKey((await t.database.db.selectFrom('outbox_job').select('key').where('id', '=', id).executeTakeFirstOrThrow()).key))!.status).toBe('dead');
  });

  it('discards one: done, payload dropped, audited', async () => {
    const id = await doomed();
    const res = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/discard`, {}, owner);
    expect(res.statusCode).toBe(204);
    expect(await t.database.db.selectFrom('outbox_job').select(['status', 'payload_encrypted']).where('id', '=', id).executeTakeFirst()).toEqual({
      status: 'done',
      payload_encrypted: null,
    });
    expect((await t.audit.listForTarget('outbox_job', id)).map((e) => e.action)).toEqual(['outbox.job_discarded']);
  });

  it('refuses a role without outbox.manage, a signed-out caller, an unknown job and a job that is not dead, changing nothing', async () => {
    const id = await doomed();
    const before = await jobByKey((await t.database.db.selectFrom('outbox_job').select('key').where('id', '=', id).executeTakeFirstOrThrow()).key);

    const denied = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/retry`, {}, support);
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ code: 'STAFF_ACCESS_DENIED' });
    const listDenied = await t.app.inject({ url: '/api/v1/admin/outbox/dead-jobs', headers: { cookie: support } });
    expect(listDenied.statusCode).toBe(403);
    expect(listDenied.json()).toMatchObject({ code: 'STAFF_ACCESS_DENIED' });
    const anonymous = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/discard`, {});
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json()).toMatchObject({ code: 'AUTH_SIGN_IN_REQUIRED' });
    expect(await jobByKey(before!.key)).toEqual(before);
    expect(await t.audit.listForTarget('outbox_job', id)).toEqual([]);

    const unknown = await post(t, '/api/v1/admin/outbox/dead-jobs/00000000-0000-4000-8000-000000000000/retry', {}, owner);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'OUTBOX_JOB_NOT_FOUND' });
    const malformed = await post(t, '/api/v1/admin/outbox/dead-jobs/not-a-uuid/retry', {}, owner);
    expect(malformed.statusCode).toBe(400);
    const extra = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/retry`, { force: true }, owner);
    expect(extra.statusCode).toBe(400);
    expect(await jobByKey(before!.key)).toEqual(before);

    expect((await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/discard`, {}, owner)).statusCode).toBe(204);
    const done = await jobByKey(before!.key);
    const again = await post(t, `/api/v1/admin/outbox/dead-jobs/${id}/retry`, {}, owner);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: 'OUTBOX_JOB_NOT_DEAD' });
    expect(await jobByKey(before!.key)).toEqual(done);
    expect((await t.audit.listForTarget('outbox_job', id)).map((e) => e.action)).toEqual(['outbox.job_discarded']);
  });

  it('shows dead jobs on /admin/outbox, where a retry and a discard are plain forms, each audited', async () => {
    const first = await doomed();
    const second = await doomed();
    const browser = browserOf(owner);
    const page = await browser.get('/admin/outbox');
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.body).toContain('TEST_DOOMED: It always fails.');
    expect(page.body).toContain(`action="/admin/outbox/dead-jobs/${first}/retry"`);
    expect(page.body).toContain('href="/admin/outbox"');
    expect(page.body).not.toContain('secret');

    const retried = await browser.post(`/admin/outbox/dead-jobs/${first}/retry`, {});
    expect(retried.statusCode).toBe(303);
    expect(retried.headers.location).toBe('/admin/outbox?done=retried');
    expect((await t.audit.listForTarget('outbox_job', first)).map((e) => e.action)).toEqual(['outbox.job_retried']);
    await browser.get('/admin/outbox');
    const discarded = await browser.post(`/admin/outbox/dead-jobs/${second}/discard`, {});
    expect(discarded.headers.location).toBe('/admin/outbox?done=discarded');
    expect((await t.database.db.selectFrom('outbox_job').select('status').where('id', '=', second).executeTakeFirstOrThrow()).status).toBe('done');
    expect((await browser.get('/admin/outbox?done=discarded')).body).toContain('The job was discarded');
  });

  it('refuses the page and its forms to a role without outbox.manage, and a form without its CSRF token, changing nothing', async () => {
    const id = await doomed();
    const row = () => t.database.db.selectFrom('outbox_job').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const before = await row();
    const supportBrowser = browserOf(support);
    expect((await supportBrowser.get('/admin/outbox')).statusCode).toBe(403);
    expect((await supportBrowser.post(`/admin/outbox/dead-jobs/${id}/retry`, {})).statusCode).toBe(403);
    const ownerBrowser = browserOf(owner);
    await ownerBrowser.get('/admin/outbox');
    const forged = await ownerBrowser.post(`/admin/outbox/dead-jobs/${id}/discard`, {}, { csrf: false });
    expect(forged.statusCode).toBe(403);
    expect(await row()).toEqual(before);
    expect(await t.audit.listForTarget('outbox_job', id)).toEqual([]);
    // The sidebar offers the page to those who may open it, and only to them.
    expect((await ownerBrowser.get('/admin')).body).toContain('href="/admin/outbox"');
    expect((await supportBrowser.get('/admin')).body).not.toContain('href="/admin/outbox"');
  });
});

describe('recurring jobs', () => {
  it('runs once per interval across instances, goes on after a failed run, and catches up without a backlog', async () => {
    const type = `test.recurring.${Date.now().toString(36)}`;
    const everyMs = 10 * 60_000;
    let runs = 0;
    let fail = false;
    t.outbox.every(type, everyMs, async () => {
      runs++;
      if (fail) throw new Error('the checked site is down');
    });
    const ready = () => t.database.db.selectFrom('outbox_job').select(['key', 'run_at']).where('type', '=', type).where('status', '=', 'ready').execute();

    // Three instances start in the same interval: one run is written, at the start of the next interval.
    await Promise.all([t.outbox.scheduleRecurring(), t.outbox.scheduleRecurring(), t.outbox.scheduleRecurring()]);
    const first = await ready();
    expect(first).toHaveLength(1);
    const slotStart = (Math.floor(t.clock.now.getTime() / everyMs) + 1) * everyMs;
    expect(first[0]!.run_at.getTime()).toBe(slotStart);
    await t.outbox.drain();
    expect(runs).toBe(0);

    t.clock.advance(slotStart - t.clock.now.getTime());
    await t.outbox.drain();
    expect(runs).toBe(1);
    expect((await ready()).map((j) => j.run_at.getTime())).toEqual([slotStart + everyMs]);

    // A run that throws is retried later, and the next interval's run is written regardless.
    fail = true;
    t.clock.advance(everyMs);
    await t.outbox.runDue(10);
    expect(runs).toBe(2);
    expect((await ready()).map((j) => j.run_at.getTime()).sort()).toEqual(expect.arrayContaining([slotStart + 2 * everyMs]));
    fail = false;

    // The worker was down for five intervals: one catch-up run, then the interval after the current one.
    t.clock.advance(5 * everyMs);
    await t.outbox.drain();
    const upcoming = (await ready()).map((j) => j.run_at.getTime());
    expect(upcoming).toEqual([(Math.floor(t.clock.now.getTime() / everyMs) + 1) * everyMs]);
    // The failed run's retry and one catch-up run, not one per missed interval.
    expect(runs).toBe(4);
  });
});
