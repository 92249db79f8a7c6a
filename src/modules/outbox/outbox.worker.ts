import type { FastifyBaseLogger } from 'fastify';
import type { RecurringJobs } from './outbox.recurring.js';
import { describeFailure, type OutboxService } from './outbox.service.js';

export interface OutboxWorkerOptions {
  /** How long an idle slot waits before looking for due jobs again. */
  pollMs: number;
  /** How many jobs this process runs at once (each slot claims one job at a time). */
  concurrency: number;
}

export interface OutboxWorker {
  start(): void;
  /**
   * Stops claiming and waits up to `timeoutMs` for the jobs already running. A job still running after
   * that keeps its lease and runs again, elsewhere or after a restart, once the lease runs out.
   */
  stop(timeoutMs: number): Promise<void>;
  readonly running: boolean;
}

/**
 * The outbox's worker loop: `concurrency` slots, each claiming and running one due job at a time and
 * sleeping `pollMs` when there is none. It runs inside the web process (OUTBOX_WORKER=on, the default) or
 * alone (`npm run worker`); any number of them may share one database.
 */
export function createOutboxWorker(outbox: OutboxService, recurring: Pick<RecurringJobs, 'scheduleRecurring'>, options: OutboxWorkerOptions, log: FastifyBaseLogger): OutboxWorker {
  let stopping = false;
  let slots: Promise<void>[] = [];
  const sleepers = new Set<() => void>();

  const sleep = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        sleepers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      sleepers.add(wake);
    });

  // At start and then hourly: done jobs are pruned (skip locked keeps workers apart) and recurring jobs'
  // next runs written again (their keys make it a no-op unless the database was down when they were due).
  let pruner: NodeJS.Timeout | undefined;
  const prune = (): void => {
    outbox.pruneDone().then(
      (deleted) => (deleted > 0 ? log.info({ deleted }, 'outbox: old done jobs pruned') : undefined),
      (err: unknown) => log.warn({ error: describeFailure(err) }, 'outbox: pruning done jobs failed'),
    );
    recurring.scheduleRecurring().catch((err: unknown) => log.warn({ error: describeFailure(err) }, 'outbox: scheduling recurring jobs failed'));
  };

  const slot = async (): Promise<void> => {
    while (!stopping) {
      let ran = 0;
      try {
        ran = await outbox.runDue(1);
      } catch (err) {
        // The database is unreachable or busy: wait and try again; nothing is lost, the jobs stay put.
        log.warn({ error: describeFailure(err) }, 'outbox worker could not claim jobs');
      }
      if (ran === 0 && !stopping) await sleep(options.pollMs);
    }
  };

  return {
    start() {
      if (slots.length > 0) return;
      stopping = false;
      slots = Array.from({ length: options.concurrency }, () => slot());
      prune();
      pruner = setInterval(prune, 3_600_000);
      pruner.unref();
      log.info({ concurrency: options.concurrency, pollMs: options.pollMs }, 'outbox worker started');
    },
    async stop(timeoutMs) {
      if (slots.length === 0) return;
      stopping = true;
      clearInterval(pruner);
      for (const wake of [...sleepers]) wake();
      let timer: NodeJS.Timeout | undefined;
      const finished = await Promise.race([
        Promise.all(slots).then(() => true),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
      ]);
      clearTimeout(timer);
      slots = [];
      if (finished) log.info('outbox worker stopped');
      else log.warn({ timeoutMs }, 'outbox worker stopped with jobs still running; they run again after their lease');
    },
    get running() {
      return slots.length > 0 && !stopping;
    },
  };
}
