import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { EmfPublisher } from '../../adapters/metrics/emf.js';
import type { Db } from '../../db/database.js';
import type { PaymentProvider } from '../../http/payment-origins.js';
import type { ScriptInventory } from '../../web/script-inventory.js';
import type { AuditService } from '../audit/index.js';
import type { OutboxService } from '../outbox/index.js';
import type { PageIntegritySettings } from './page-integrity.settings.js';
import { verifyPaymentPages, type PageIntegrityReport } from './page-integrity.verify.js';

/** The outbox job type of the scheduled check. */
export const pageIntegrityJobType = 'page-integrity.verify';
/** The EMF metric (namespace Bastion, no dimensions) the PaymentPageTamper alarm watches (infra/). */
export const paymentPageTamperMetric = 'PaymentPageTamper';

export interface PageIntegrityService {
  /**
   * Fetches the payment pages and compares them with the inventory; a difference is logged at error,
   * counted (`payment_page_tamper_total{kind}`, EMF PaymentPageTamper) and written to the audit trail.
   */
  check(): Promise<PageIntegrityReport>;
  /**
   * Enqueues the check of the current interval (one job per interval across every instance: the job's
   * key is the interval's start). Each run enqueues the next before it checks, so the schedule outlives a
   * failed check. Does nothing when PAGE_INTEGRITY_CHECK_MINUTES is 0.
   */
  schedule(): Promise<void>;
}

export interface PageIntegrityDeps {
  db: Db;
  outbox: Pick<OutboxService, 'enqueue' | 'handle'>;
  audit: Pick<AuditService, 'recordAlone'>;
  log: FastifyBaseLogger;
  registry: Registry;
  emf: EmfPublisher | undefined;
  settings: PageIntegritySettings;
  publicUrl: string;
  providers: readonly PaymentProvider[];
  inventory: ScriptInventory;
  /** The payment pages fetched on each check, by path. */
  pages: readonly string[];
  now?: () => Date;
  fetch?: typeof fetch;
}

/** The scheduled and on-demand tamper check of the payment pages (PCI DSS v4.0.1 11.6.1). */
export function createPageIntegrityService(deps: PageIntegrityDeps): PageIntegrityService {
  const now = deps.now ?? (() => new Date());
  const intervalMs = deps.settings.intervalMinutes * 60_000;
  const tamper = new Counter({
    name: 'payment_page_tamper_total',
    help: 'Differences between the served payment pages and the script inventory found by the tamper check, by kind',
    labelNames: ['kind'] as const,
    registers: [deps.registry],
  });

  const check = async (): Promise<PageIntegrityReport> => {
    const report = await verifyPaymentPages({
      baseUrl: deps.settings.url, publicUrl: deps.publicUrl, pages: deps.pages, inventory: deps.inventory, providers: deps.providers, now,
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
    });
    if (report.differences.length === 0) {
      deps.log.info({ pageIntegrity: { baseUrl: report.baseUrl, pages: report.pages.length } }, 'payment pages match the script inventory');
      return report;
    }
    for (const d of report.differences) tamper.inc({ kind: d.kind });
    deps.log.error({ pageIntegrity: { baseUrl: report.baseUrl, differences: report.differences } }, 'payment pages differ from the script inventory');
    void deps.emf?.recordEvent(paymentPageTamperMetric, report.differences.length, 'Count').catch(() => undefined);
    await deps.audit.recordAlone({
      actor: { type: 'system', id: 'page-integrity' },
      action: 'payment_pages.tamper_detected',
      target: { type: 'payment_pages', id: report.baseUrl },
      after: { differences: report.differences.slice(0, 50) },
      outcome: 'failure',
      occurredAt: report.checkedAt,
    });
    return report;
  };

  const enqueueSlot = async (start: number): Promise<void> => {
    const runAt = new Date(start);
    await deps.outbox.enqueue(deps.db, { type: pageIntegrityJobType, key: `page-integrity:${runAt.toISOString()}`, payload: { slot: runAt.toISOString() }, runAt, maxAttempts: 3 });
  };

  if (intervalMs > 0) {
    deps.outbox.handle<{ slot: string }>(pageIntegrityJobType, async ({ slot }) => {
      // The next run first: a check that throws (the site unreachable) is retried, and the schedule goes on.
      // A run that comes late (the worker was down) schedules the interval after the current one, not a backlog.
      const currentStart = Math.floor(now().getTime() / intervalMs) * intervalMs;
      await enqueueSlot(Math.max(Date.parse(slot), currentStart) + intervalMs);
      await check();
    });
  }

  return {
    check,
    async schedule() {
      if (intervalMs <= 0) return;
      await enqueueSlot(Math.floor(now().getTime() / intervalMs) * intervalMs);
    },
  };
}
