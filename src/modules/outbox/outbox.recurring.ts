import type { Db } from '../../db/database.js';
import type { OutboxService } from './outbox.service.js';

export interface RecurringOptions {
  /** Attempts of one run before it is parked as dead (the schedule goes on regardless). Default 3. */
  maxAttempts?: number;
  /** Run in the current interval when first scheduled, rather than at the start of the next. */
  startNow?: boolean;
}

export interface RecurringJobs {
  /**
   * A job that runs once per `everyMs` interval across every instance: the interval is the job's key,
   * so instances that schedule it together write it once. Each run writes the next interval's run first,
   * so a run that throws is retried and the schedule still goes on; a run that comes late (the worker
   * was down) schedules the interval after the current one, never a backlog.
   */
  every(type: string, everyMs: number, run: () => Promise<void>, options?: RecurringOptions): void;
  /**
   * Writes each recurring job's first run. Idempotent, and safe to call at every start and again later:
   * the app calls it when ready and the worker hourly, so a database that was down at boot is caught up.
   */
  scheduleRecurring(): Promise<void>;
}

export function createRecurringJobs(outbox: Pick<OutboxService, 'enqueue' | 'handle'>, db: Db, now: () => Date): RecurringJobs {
  const schedules = new Map<string, { everyMs: number; startNow: boolean; maxAttempts: number }>();

  const enqueueSlot = async (type: string, everyMs: number, slot: number, maxAttempts: number): Promise<void> => {
    await outbox.enqueue(db, { type, key: `${type}:${slot}`, payload: { slot }, runAt: new Date(slot * everyMs), maxAttempts });
  };

  return {
    every(type, everyMs, run, options = {}) {
      if (!(everyMs > 0)) return;
      const maxAttempts = options.maxAttempts ?? 3;
      schedules.set(type, { everyMs, startNow: options.startNow ?? false, maxAttempts });
      outbox.handle(
        type,
        async () => {
          await enqueueSlot(type, everyMs, Math.floor(now().getTime() / everyMs) + 1, maxAttempts);
          await run();
        },
        { maxAttempts },
      );
    },
    async scheduleRecurring() {
      const at = now().getTime();
      for (const [type, s] of schedules) await enqueueSlot(type, s.everyMs, Math.floor(at / s.everyMs) + (s.startNow ? 0 : 1), s.maxAttempts);
    },
  };
}
