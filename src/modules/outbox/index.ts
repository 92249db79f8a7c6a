/**
 * The transactional outbox, the module's public face. Other modules write jobs in their own
 * transactions (`enqueue(trx, job)`), register handlers by job type, and send mail through `MailQueue`;
 * app.ts builds it, starts its worker (or leaves that to `npm run worker`) and hands its back-office
 * contribution (dead jobs: page and API) to the shell.
 */
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import type { EmfPublisher } from '../../adapters/metrics/emf.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { FieldEncryption } from '../encryption/index.js';
import { createOutboxMetrics, type OutboxMetrics } from './outbox.metrics.js';
import { createOutboxService, type OutboxService } from './outbox.service.js';
import type { OutboxSettings } from './outbox.settings.js';
import { createRecurringJobs, type RecurringJobs } from './outbox.recurring.js';
import { createOutboxWorker, type OutboxWorker } from './outbox.worker.js';

export { createMailQueue, mailJobType, registerMailHandler, type MailQueue } from './outbox.mail.js';
export { outboxAdmin } from './outbox.admin.js';
export { backoffMs, defaultMaxAttempts } from './outbox.backoff.js';
export type { DeadJob, JobContext, JobHandler, OutboxActor, OutboxJob, OutboxService } from './outbox.service.js';
export type { OutboxWorker } from './outbox.worker.js';
export type { RecurringJobs } from './outbox.recurring.js';

export interface Outbox extends OutboxService, RecurringJobs {
  /** Started by app.ts when OUTBOX_WORKER=on, and by `npm run worker`; stopped when the app closes. */
  worker: OutboxWorker;
  metrics: OutboxMetrics;
}

export function createOutbox(deps: {
  db: Db;
  fieldEncryption: FieldEncryption;
  audit: AuditService;
  log: FastifyBaseLogger;
  registry: Registry;
  emf: EmfPublisher | undefined;
  settings: Omit<OutboxSettings, 'worker'>;
  now?: () => Date;
  random?: () => number;
}): Outbox {
  const now = deps.now ?? (() => new Date());
  const { db, log } = deps;
  // The metrics read the queue through the service, which is made just below; the events go the other way.
  const metrics = createOutboxMetrics({ registry: deps.registry, emf: deps.emf, counts: () => service.counts(), now, log });
  const service: OutboxService = createOutboxService({
    db,
    fieldEncryption: deps.fieldEncryption,
    audit: deps.audit,
    log,
    leaseMs: deps.settings.leaseMs,
    now,
    events: metrics.events,
    ...(deps.random ? { random: deps.random } : {}),
  });
  const recurring = createRecurringJobs(service, db, now);
  const worker = createOutboxWorker(service, recurring, { pollMs: deps.settings.pollMs, concurrency: deps.settings.concurrency }, log);
  return { ...service, ...recurring, worker, metrics };
}
