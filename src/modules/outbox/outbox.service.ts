import { createHash } from 'node:crypto';
import { newId } from '../../kernel/ids.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/database.js';
import { AppError } from '../../kernel/errors.js';
import type { Actor } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import { backoffMs, defaultMaxAttempts } from './outbox.backoff.js';
import { outboxInvalidJob, outboxJobNotDead, outboxJobNotFound } from './outbox.errors.js';
import * as repo from './outbox.repository.js';

/** A job to run after the caller's transaction commits. */
export interface OutboxJob<P = unknown> {
  /** Which handler runs it, e.g. `mail.send`. */
  type: string;
  /** Idempotency key: enqueueing a job whose key exists already does nothing. */
  key: string;
  /** JSON; sealed at rest (it may hold personal data or a single-use link). */
  payload: P;
  /** Not before (default: now). */
  runAt?: Date;
  /** Default: the handler's, else 12. */
  maxAttempts?: number;
}

/** What a handler learns about the job it runs. */
export interface JobContext {
  id: string;
  key: string;
  /** 1 for the first try. */
  attempt: number;
}

/**
 * Runs one job. It must be idempotent by `context.key`: a job may run again after a crash between its
 * effect and its completion being recorded. Throw to fail the try (it is retried with backoff).
 */
export type JobHandler<P = unknown> = (payload: P, context: JobContext) => Promise<void>;

export interface DeadJob {
  id: string;
  type: string;
  key: string;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: Date;
  diedAt: Date;
}

/** Who acts on a dead job (a staff member) and the request facts for the audit trail. */
export interface OutboxActor {
  actor: Actor;
  clientIp?: string | null;
  requestId?: string | null;
}

/** What the worker reports, for metrics. */
export interface OutboxEvents {
  failed(type: string, outcome: 'retry' | 'dead'): void;
}

export interface OutboxService {
  /**
   * Writes a job in the caller's transaction (or, for a job that stands alone, straight to the
   * database). Returns false when a job with the same key exists already.
   */
  enqueue<P>(db: Db, job: OutboxJob<P>): Promise<boolean>;
  /**
   * Writes jobs that need to run once after the caller's transaction commits, however many transactions
   * ask: one row per key, merged with a job of that key still waiting, and set to run again when one is
   * running (outbox.repository.ts, `upsertCoalescedJobs`). For follow-ups that read the latest state
   * (rebuild a product's search document, drop caches), never for a job whose payload is its point.
   */
  enqueueCoalesced<P>(db: Db, jobs: readonly OutboxJob<P>[]): Promise<void>;
  /** Registers the handler of a job type; a worker claims only the types it has handlers for. */
  handle<P>(type: string, handler: JobHandler<P>, options?: { maxAttempts?: number }): void;
  /** Claims up to `limit` due jobs and runs them; resolves with how many it ran, once they finished. */
  runDue(limit: number): Promise<number>;
  /** Resolves when every job this process is running has finished. */
  idle(): Promise<void>;
  /**
   * Runs every job that is due now, one at a time in the order they were written, including jobs those
   * jobs enqueue, until none is left (tests, CLIs).
   */
  drain(): Promise<void>;
  listDead(limit?: number): Promise<DeadJob[]>;
  /** Puts a dead job back to ready with a fresh set of attempts; audited in the same transaction. */
  retryDead(id: string, by: OutboxActor): Promise<void>;
  /** Gives up on a dead job: it is marked done and its payload dropped; audited in the same transaction. */
  discardDead(id: string, by: OutboxActor): Promise<void>;
  counts(): Promise<repo.OutboxCounts>;
  /** Deletes done jobs older than `doneRetentionMs` (their keys stop guarding against a repeat then). */
  pruneDone(): Promise<number>;
}

/** How long a done job's key keeps a repeat of it from being written: far longer than any retry of a caller. */
export const doneRetentionMs = 30 * 24 * 3_600_000;

export interface OutboxDeps {
  db: Db;
  fieldEncryption: FieldEncryption;
  audit: AuditService;
  log: FastifyBaseLogger;
  /** How long a claim lasts without a heartbeat; a crashed worker's job runs again after it. */
  leaseMs: number;
  now?: () => Date;
  random?: () => number;
  events?: OutboxEvents;
}

const payloadRef = (id: string) => ({ table: 'outbox_job', column: 'payload_encrypted', rowId: id });
const typePattern = /^[a-z][a-z0-9_.-]{1,63}$/;

function check(job: OutboxJob<unknown>): void {
  if (!typePattern.test(job.type)) throw outboxInvalidJob('the type must be a short dotted lower-case name');
  if (job.key.length === 0 || job.key.length > 200) throw outboxInvalidJob('the key must be 1 to 200 characters');
}

function payloadJson(job: OutboxJob<unknown>): string {
  const json = JSON.stringify(job.payload);
  if (json === undefined) throw outboxInvalidJob('the payload is not JSON');
  return json;
}

/** A UUID that follows from a coalesced job's key (SHA-256, shaped as a version 8 UUID). */
function idOfKey(key: string): string {
  const h = createHash('sha256').update(`outbox_job:${key}`).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * What a failure leaves in `last_error` and the log: our own errors' code and message (written without
 * personal data), and for anything else only its name and system code; a vendor's message may quote a
 * recipient or a host, so it is left out.
 */
export function describeFailure(err: unknown): string {
  const systemCode = (e: unknown): string | undefined => {
    const code = (e as { code?: unknown } | null)?.code;
    return typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
  };
  if (err instanceof AppError) {
    const cause = systemCode(err.cause) ?? (err.cause instanceof Error ? err.cause.name : undefined);
    return `${err.code}: ${err.message}${cause ? ` (cause: ${cause})` : ''}`.slice(0, 500);
  }
  if (err instanceof Error) {
    const code = systemCode(err);
    return `${err.name}${code ? ` (${code})` : ''}`;
  }
  return 'non-error thrown';
}

/**
 * The transactional outbox: jobs written with the change that causes them, claimed by workers with
 * `FOR UPDATE SKIP LOCKED` under a lease, run with retries (outbox.backoff.ts), and parked as dead after
 * their last attempt. A running job's lease is renewed every third of its length, so only a worker that
 * stopped (crashed, killed, frozen) loses its job to another; every outcome is written only while the
 * claim still holds, so a late worker cannot undo a newer claim's work.
 */
export function createOutboxService(deps: OutboxDeps): OutboxService {
  const { db, fieldEncryption: fe, log, leaseMs } = deps;
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? Math.random;
  const handlers = new Map<string, { run: JobHandler; maxAttempts: number }>();
  const inFlight = new Set<Promise<void>>();

  const runOne = async (row: repo.OutboxJobRow, claimId: string): Promise<void> => {
    const handler = handlers.get(row.type);
    const heartbeat = setInterval(() => {
      repo.extendLease(db, row.id, claimId, new Date(now().getTime() + leaseMs)).then(
        (held) => (held ? undefined : log.warn({ jobId: row.id, type: row.type }, 'outbox job lease lost while running')),
        (err: unknown) => log.warn({ jobId: row.id, type: row.type, error: describeFailure(err) }, 'outbox lease renewal failed'),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    heartbeat.unref();
    try {
      // A job claimed more often than allowed never finished any try (its worker kept dying): park it.
      if (row.attempts > row.max_attempts) throw new AppError('OUTBOX_LEASE_EXPIRED', 'internal', 'The job did not finish before its lease ran out, on every try.');
      if (handler === undefined || row.payload_encrypted === null) throw outboxInvalidJob('no handler or no payload');
      const payload: unknown = JSON.parse(await fe.open(payloadRef(row.id), row.payload_encrypted));
      await handler.run(payload, { id: row.id, key: row.key, attempt: row.attempts });
      if (!(await repo.markDone(db, row.id, claimId, now())) && !(await repo.releaseRearmed(db, row.id, claimId))) {
        log.warn({ jobId: row.id, type: row.type }, 'outbox job finished after its claim was lost');
      }
    } catch (err) {
      const lastError = describeFailure(err);
      const dead = row.attempts >= row.max_attempts;
      const at = now();
      const runAt = dead ? at : new Date(at.getTime() + backoffMs(row.attempts, random));
      const recorded = await repo.markFailed(db, row.id, claimId, { status: dead ? 'dead' : 'ready', runAt, lastError, now: at });
      // Set ready again while it ran: the next run starts now, with fresh attempts.
      if (!recorded) await repo.releaseRearmed(db, row.id, claimId);
      if (recorded) deps.events?.failed(row.type, dead ? 'dead' : 'retry');
      log[dead ? 'error' : 'warn'](
        { jobId: row.id, type: row.type, attempt: row.attempts, maxAttempts: row.max_attempts, error: lastError, ...(dead ? {} : { retryAt: runAt.toISOString() }) },
        dead ? 'outbox job failed for the last time: parked as dead' : 'outbox job failed: will retry',
      );
    } finally {
      clearInterval(heartbeat);
    }
  };

  const toDead = (row: Omit<repo.OutboxJobRow, 'payload_encrypted'>): DeadJob => ({
    id: row.id,
    type: row.type,
    key: row.key,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    lastError: row.last_error,
    createdAt: row.created_at,
    diedAt: row.updated_at,
  });

  const actOnDead = async (id: string, by: OutboxActor, action: 'outbox.job_retried' | 'outbox.job_discarded'): Promise<void> => {
    await db.transaction().execute(async (trx) => {
      const row = await repo.lockJob(trx, id);
      if (row === undefined) throw outboxJobNotFound();
      if (row.status !== 'dead') throw outboxJobNotDead();
      const at = now();
      if (action === 'outbox.job_retried') await repo.reviveJob(trx, id, at);
      else await repo.discardJob(trx, id, at);
      await deps.audit.record(trx, {
        actor: by.actor,
        action,
        target: { type: 'outbox_job', id },
        before: { status: 'dead', attempts: row.attempts },
        after: action === 'outbox.job_retried' ? { status: 'ready', attempts: 0 } : { status: 'done' },
        clientIp: by.clientIp ?? null,
        requestId: by.requestId ?? null,
      });
    });
  };

  const service: OutboxService = {
    async enqueue(target, job) {
      check(job);
      const id = newId();
      const json = payloadJson(job);
      const at = now();
      return repo.insertJob(target, {
        id,
        type: job.type,
        key: job.key,
        payloadEncrypted: await fe.seal(payloadRef(id), json),
        maxAttempts: job.maxAttempts ?? handlers.get(job.type)?.maxAttempts ?? defaultMaxAttempts,
        runAt: job.runAt ?? at,
        now: at,
      });
    },

    async enqueueCoalesced(target, jobs) {
      const at = now();
      const rows = await Promise.all(
        jobs.map(async (job) => {
          check(job);
          // One row per key for good, so its id (which the sealed payload is bound to) follows from the key.
          const id = idOfKey(job.key);
          return {
            id,
            type: job.type,
            key: job.key,
            payloadEncrypted: await fe.seal(payloadRef(id), payloadJson(job)),
            maxAttempts: job.maxAttempts ?? handlers.get(job.type)?.maxAttempts ?? defaultMaxAttempts,
            runAt: job.runAt ?? at,
            now: at,
          };
        }),
      );
      await repo.upsertCoalescedJobs(target, rows);
    },

    handle(type, handler, options = {}) {
      if (!typePattern.test(type)) throw outboxInvalidJob('the type must be a short dotted lower-case name');
      if (handlers.has(type)) throw outboxInvalidJob(`a handler for ${type} is registered already`);
      handlers.set(type, { run: handler as JobHandler, maxAttempts: options.maxAttempts ?? defaultMaxAttempts });
    },

    async runDue(limit) {
      const at = now();
      const claimId = newId();
      const rows = await repo.claimDueJobs(db, { types: [...handlers.keys()], now: at, lockedUntil: new Date(at.getTime() + leaseMs), claimId, limit });
      const runs = rows.map((row) => {
        const run = runOne(row, claimId).catch((err: unknown) =>
          // Recording the outcome failed (the database went away): the lease runs out and the job runs again.
          log.error({ jobId: row.id, type: row.type, error: describeFailure(err) }, 'outbox job outcome not recorded'),
        );
        inFlight.add(run);
        void run.finally(() => inFlight.delete(run));
        return run;
      });
      await Promise.all(runs);
      return rows.length;
    },

    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },

    async drain() {
      for (;;) {
        await service.idle();
        if ((await service.runDue(1)) > 0) continue;
        await service.idle();
        if ((await service.runDue(1)) === 0) return;
      }
    },

    async listDead(limit = 100) {
      return (await repo.listDeadJobs(db, Math.min(Math.max(limit, 1), 500))).map(toDead);
    },

    retryDead: (id, by) => actOnDead(id, by, 'outbox.job_retried'),
    discardDead: (id, by) => actOnDead(id, by, 'outbox.job_discarded'),
    counts: () => repo.countJobs(db, now()),

    async pruneDone() {
      const before = new Date(now().getTime() - doneRetentionMs);
      await repo.deleteEndedMailCooldowns(db, now());
      let total = 0;
      for (;;) {
        const deleted = await repo.deleteDoneJobs(db, before, 1_000);
        total += deleted;
        if (deleted < 1_000) return total;
      }
    },
  };
  return service;
}
