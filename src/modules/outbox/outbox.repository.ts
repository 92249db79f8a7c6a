import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { OutboxJobTable } from './outbox.tables.js';

/** The outbox's SQL: the only place that touches `outbox_job`. */

export type OutboxJobRow = Selectable<OutboxJobTable>;

/** Writes a job unless one with the same key exists; true when it was written. */
export async function insertJob(
  db: Db,
  job: { id: string; type: string; key: string; payloadEncrypted: Uint8Array; maxAttempts: number; runAt: Date; now: Date },
): Promise<boolean> {
  const rows = await db
    .insertInto('outbox_job')
    .values({
      id: job.id,
      type: job.type,
      key: job.key,
      payload_encrypted: job.payloadEncrypted,
      status: 'ready',
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      created_at: job.now,
      updated_at: job.now,
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .returning('id')
    .execute();
  return rows.length === 1;
}

/**
 * Writes jobs that must run once after the caller's transaction commits, each merged with the job of the
 * same key (one row per key, for good):
 * - none yet, or the last one done or dead: the row is (re)written as ready;
 * - one ready and not yet started: left as it is. The statement locks that row until the caller's
 *   transaction ends, and claims skip locked rows, so it cannot start before this change commits;
 * - one running: set ready again, keeping its lease, so it runs once more after the run in progress
 *   (which may have read the data before this change) and never beside it.
 * Rows are written in key order, so two callers lock them in the same order.
 */
export async function upsertCoalescedJobs(
  db: Db,
  jobs: readonly { id: string; type: string; key: string; payloadEncrypted: Uint8Array; maxAttempts: number; runAt: Date; now: Date }[],
): Promise<void> {
  if (jobs.length === 0) return;
  await db
    .insertInto('outbox_job')
    .values(
      [...jobs]
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
        .map((job) => ({
          id: job.id,
          type: job.type,
          key: job.key,
          payload_encrypted: job.payloadEncrypted,
          status: 'ready' as const,
          max_attempts: job.maxAttempts,
          run_at: job.runAt,
          created_at: job.now,
          updated_at: job.now,
        })),
    )
    .onConflict((oc) =>
      oc
        .column('key')
        .doUpdateSet((eb) => ({
          status: 'ready',
          attempts: 0,
          max_attempts: eb.ref('excluded.max_attempts'),
          payload_encrypted: eb.ref('excluded.payload_encrypted'),
          run_at: eb.ref('excluded.run_at'),
          // A dead job's last error stays readable until a run succeeds.
          updated_at: eb.ref('excluded.updated_at'),
        }))
        .where('outbox_job.status', '<>', 'ready'),
    )
    .execute();
}

/**
 * After a run whose job was set ready again meanwhile (`upsertCoalescedJobs`): drops this claim's lease so
 * the next run may start now. False when the claim was lost for another reason.
 */
export async function releaseRearmed(db: Db, id: string, claimId: string): Promise<boolean> {
  const result = await db
    .updateTable('outbox_job')
    .set({ locked_until: null, locked_by: null })
    .where('id', '=', id)
    .where('locked_by', '=', claimId)
    .where('status', '=', 'ready')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Claims up to `limit` jobs of the given types that are due: ready ones whose run_at has come, and
 * running ones whose lease ran out (their worker died). One statement: the inner select locks the rows
 * it picks and skips rows another worker holds, so two workers never claim the same job.
 *
 *   update outbox_job set status = 'running', attempts = attempts + 1, locked_until = $lease, locked_by = $claim
 *   where id in (select id from outbox_job where type in (...) and ((status = 'ready' and run_at <= $now
 *       and (locked_until is null or locked_until <= $now))
 *     or (status = 'running' and locked_until <= $now)) order by run_at, seq limit $limit for update skip locked)
 *   returning *
 */
export function claimDueJobs(
  db: Db,
  options: { types: readonly string[]; now: Date; lockedUntil: Date; claimId: string; limit: number },
): Promise<OutboxJobRow[]> {
  const { types, now, lockedUntil, claimId, limit } = options;
  if (types.length === 0) return Promise.resolve([]);
  return db
    .updateTable('outbox_job')
    .set((eb) => ({
      status: 'running',
      attempts: eb('attempts', '+', 1),
      locked_until: lockedUntil,
      locked_by: claimId,
      updated_at: now,
    }))
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('outbox_job')
        .select('id')
        .where('type', 'in', types)
        .where((w) =>
          w.or([
            // A ready job still under a lease was set ready again while running: it waits for that run.
            w.and([w('status', '=', 'ready'), w('run_at', '<=', now), w.or([w('locked_until', 'is', null), w('locked_until', '<=', now)])]),
            w.and([w('status', '=', 'running'), w('locked_until', '<=', now)]),
          ]),
        )
        .orderBy('run_at')
        .orderBy('seq')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/**
 * Extends the lease of a job this claim still holds, also once it was set ready again while running (a
 * coalesced job): its next run must wait for this one however long it takes. False when the claim was lost.
 */
export async function extendLease(db: Db, id: string, claimId: string, lockedUntil: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox_job')
    .set({ locked_until: lockedUntil })
    .where('id', '=', id)
    .where('locked_by', '=', claimId)
    .where('status', 'in', ['running', 'ready'])
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Marks a claimed job done and drops its payload; false when the claim was lost meanwhile. */
export async function markDone(db: Db, id: string, claimId: string, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('outbox_job')
    .set({ status: 'done', payload_encrypted: null, locked_until: null, locked_by: null, last_error: null, updated_at: now })
    .where('id', '=', id)
    .where('locked_by', '=', claimId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Puts a claimed job back for a later try, or parks it as dead, with its last error. */
export async function markFailed(
  db: Db,
  id: string,
  claimId: string,
  outcome: { status: 'ready' | 'dead'; runAt: Date; lastError: string; now: Date },
): Promise<boolean> {
  const result = await db
    .updateTable('outbox_job')
    .set({ status: outcome.status, run_at: outcome.runAt, last_error: outcome.lastError, locked_until: null, locked_by: null, updated_at: outcome.now })
    .where('id', '=', id)
    .where('locked_by', '=', claimId)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export function findJob(db: Db, id: string): Promise<OutboxJobRow | undefined> {
  return db.selectFrom('outbox_job').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findJobByKey(db: Db, key: string): Promise<OutboxJobRow | undefined> {
  return db.selectFrom('outbox_job').selectAll().where('key', '=', key).executeTakeFirst();
}

/** Locks one job for a staff action on it (retry, discard). */
export function lockJob(db: Db, id: string): Promise<OutboxJobRow | undefined> {
  return db.selectFrom('outbox_job').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/** Dead jobs, most recently parked first, without their payloads. */
export function listDeadJobs(db: Db, limit: number): Promise<Omit<OutboxJobRow, 'payload_encrypted'>[]> {
  return db
    .selectFrom('outbox_job')
    .select(['id', 'seq', 'type', 'key', 'status', 'attempts', 'max_attempts', 'run_at', 'locked_until', 'locked_by', 'last_error', 'created_at', 'updated_at'])
    .where('status', '=', 'dead')
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** A dead job back to ready with a fresh set of attempts. */
export async function reviveJob(db: Db, id: string, now: Date): Promise<void> {
  await db.updateTable('outbox_job').set({ status: 'ready', attempts: 0, run_at: now, updated_at: now }).where('id', '=', id).where('status', '=', 'dead').execute();
}

/** A dead job given up on: done, payload dropped, its key kept so the same job is never written again. */
export async function discardJob(db: Db, id: string, now: Date): Promise<void> {
  await db
    .updateTable('outbox_job')
    .set({ status: 'done', payload_encrypted: null, updated_at: now })
    .where('id', '=', id)
    .where('status', '=', 'dead')
    .execute();
}

export interface OutboxCounts {
  ready: number;
  running: number;
  dead: number;
  /** run_at of the oldest job that is due and waiting, if any. */
  oldestDueAt: Date | null;
}

/** Queue depth by status and the oldest due job, for metrics (the partial indexes serve each count). */
export async function countJobs(db: Db, now: Date): Promise<OutboxCounts> {
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom('outbox_job').select((s) => s.fn.countAll<string>().as('n')).where('status', '=', 'ready').as('ready'),
      eb.selectFrom('outbox_job').select((s) => s.fn.countAll<string>().as('n')).where('status', '=', 'running').as('running'),
      eb.selectFrom('outbox_job').select((s) => s.fn.countAll<string>().as('n')).where('status', '=', 'dead').as('dead'),
      eb.selectFrom('outbox_job').select((s) => s.fn.min('run_at').as('m')).where('status', '=', 'ready').where('run_at', '<=', now).as('oldest'),
    ])
    .executeTakeFirstOrThrow();
  const oldest = row.oldest as Date | string | null;
  return {
    ready: Number(row.ready ?? 0),
    running: Number(row.running ?? 0),
    dead: Number(row.dead ?? 0),
    oldestDueAt: oldest === null ? null : new Date(oldest),
  };
}

/** Deletes up to `limit` done jobs last touched before `before`; returns how many went. */
export async function deleteDoneJobs(db: Db, before: Date, limit: number): Promise<number> {
  const rows = await db
    .deleteFrom('outbox_job')
    .where('id', 'in', (eb) =>
      eb.selectFrom('outbox_job').select('id').where('status', '=', 'done').where('updated_at', '<', before).limit(limit).forUpdate().skipLocked(),
    )
    .returning('id')
    .execute();
  return rows.length;
}

/**
 * Starts a recipient's mail cooldown unless one is running: one statement, so of two instances racing for
 * the same address exactly one wins. True when this call started it.
 *
 *   insert into mail_cooldown (recipient_index, until) values ($1, $2)
 *   on conflict (recipient_index) do update set until = excluded.until where mail_cooldown.until <= $3
 *   returning recipient_index
 */
export async function claimMailCooldown(db: Db, recipientIndex: Uint8Array, now: Date, cooldownMs: number): Promise<boolean> {
  const row = await db
    .insertInto('mail_cooldown')
    .values({ recipient_index: recipientIndex, until: new Date(now.getTime() + cooldownMs) })
    .onConflict((oc) => oc.column('recipient_index').doUpdateSet((eb) => ({ until: eb.ref('excluded.until') })).where('mail_cooldown.until', '<=', now))
    .returning('recipient_index')
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets cooldowns that ended (the worker's housekeeping). */
export async function deleteEndedMailCooldowns(db: Db, now: Date): Promise<void> {
  await db.deleteFrom('mail_cooldown').where('until', '<=', now).execute();
}
