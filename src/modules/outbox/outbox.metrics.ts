import type { FastifyBaseLogger } from 'fastify';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { EmfPublisher } from '../../adapters/metrics/emf.js';
import type { OutboxCounts } from './outbox.repository.js';
import { describeFailure, type OutboxEvents } from './outbox.service.js';

export interface OutboxMetrics {
  /** The worker's failure reports (outbox.service.ts). */
  events: OutboxEvents;
  /** Writes the EMF figures now (also done every minute when METRICS=emf). */
  publish(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The outbox on /metrics and, when METRICS=emf, in CloudWatch: queue depth (ready jobs), the age of the
 * oldest due job (the alarm on a worker that stopped working), dead jobs (the alarm on jobs that need a
 * person), and failed tries. Depth, age and dead jobs are read from the database, so every instance
 * reports the same shared queue (alarm on their Maximum); failures are counted where they happen.
 */
export function createOutboxMetrics(deps: {
  registry: Registry;
  emf: EmfPublisher | undefined;
  counts: () => Promise<OutboxCounts>;
  now: () => Date;
  log: FastifyBaseLogger;
  emfIntervalMs?: number;
}): OutboxMetrics {
  const { registry, emf, now, log } = deps;
  // One query per scrape, however many gauges read it: a scrape collects every gauge at once.
  let pending: Promise<OutboxCounts> | undefined;
  const current = (): Promise<OutboxCounts> => {
    pending ??= deps.counts().finally(() => (pending = undefined));
    return pending;
  };
  const ageSeconds = (counts: OutboxCounts): number =>
    counts.oldestDueAt === null ? 0 : Math.max(0, (now().getTime() - counts.oldestDueAt.getTime()) / 1000);
  const gauge = (name: string, help: string, read: (c: OutboxCounts) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      async collect() {
        try {
          this.set(read(await current()));
        } catch (err) {
          // The database is unreachable: /metrics still answers (readiness reports the database).
          log.warn({ error: describeFailure(err) }, 'outbox metrics unavailable');
        }
      },
    });
  gauge('outbox_queue_depth', 'Outbox jobs waiting to run (ready, due or not)', (c) => c.ready);
  gauge('outbox_running_jobs', 'Outbox jobs claimed by a worker', (c) => c.running);
  gauge('outbox_oldest_ready_age_seconds', 'Age of the oldest outbox job that is due and waiting (0: none)', ageSeconds);
  gauge('outbox_dead_jobs', 'Outbox jobs parked as dead after their last attempt', (c) => c.dead);
  const failures = new Counter({
    name: 'outbox_job_failures_total',
    help: 'Failed outbox job tries, by type and outcome (retry or dead)',
    labelNames: ['type', 'outcome'] as const,
    registers: [registry],
  });

  let failedSinceFlush = 0;
  const publish = async (): Promise<void> => {
    if (emf === undefined) return;
    const failed = failedSinceFlush;
    failedSinceFlush = 0;
    const counts = await deps.counts();
    // These names are what the CDK app's alarms watch (OutboxOldestReadyAgeSeconds, OutboxDeadJobs).
    await emf.recordEvent('OutboxQueueDepth', counts.ready, 'Count');
    await emf.recordEvent('OutboxOldestReadyAgeSeconds', ageSeconds(counts), 'Seconds');
    await emf.recordEvent('OutboxDeadJobs', counts.dead, 'Count');
    await emf.recordEvent('OutboxFailures', failed, 'Count');
  };
  const timer = emf === undefined
    ? undefined
    : setInterval(() => void publish().catch((err: unknown) => log.warn({ error: describeFailure(err) }, 'outbox EMF metrics not written')), deps.emfIntervalMs ?? 60_000);
  timer?.unref();

  return {
    events: {
      failed(type, outcome) {
        failures.inc({ type, outcome });
        failedSinceFlush++;
      },
    },
    publish,
    async stop() {
      if (timer !== undefined) clearInterval(timer);
    },
  };
}
