import type { FastifyBaseLogger } from 'fastify';
import { Counter, type Registry } from 'prom-client';
import type { EmfPublisher } from '../../adapters/metrics/emf.js';
import type { PaymentProvider } from '../../http/payment-origins.js';
import type { ScriptInventory } from '../../web/script-inventory.js';
import type { AuditService } from '../audit/index.js';
import type { RecurringJobs } from '../outbox/index.js';
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
}

export interface PageIntegrityDeps {
  /** Runs the check every PAGE_INTEGRITY_CHECK_MINUTES (never when 0), the first in the interval the app starts in. */
  outbox: Pick<RecurringJobs, 'every'>;
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

  deps.outbox.every(pageIntegrityJobType, intervalMs, async () => void (await check()), { startNow: true });

  return { check };
}
