import { Counter, type Registry } from 'prom-client';
import type { BusinessMetrics } from '../../adapters/metrics/business-metrics.js';
import type { ReconcileReport } from './payments.types.js';

/** What the payments module counts for /metrics (and, through BusinessMetrics, CloudWatch alarms). */
export interface PaymentsMetrics {
  failed(provider: string): void;
  mismatch(provider: string): void;
  webhook(provider: string, outcome: string): void;
  reconciled(report: ReconcileReport): void;
}

export function createPaymentsMetrics(deps: { registry: Registry; business: BusinessMetrics }): PaymentsMetrics {
  const webhooks = new Counter({ name: 'payment_webhooks_total', help: 'Payment webhooks received, by provider and outcome', labelNames: ['provider', 'outcome'] as const, registers: [deps.registry] });
  const mismatches = new Counter({ name: 'payment_amount_mismatches_total', help: 'Payment successes whose amount or currency differed from the order', labelNames: ['provider'] as const, registers: [deps.registry] });
  const reconciled = new Counter({ name: 'payment_reconciliation_total', help: 'What the payment reconciliation job found, by result', labelNames: ['result'] as const, registers: [deps.registry] });
  return {
    failed: (provider) => deps.business.paymentFailed(provider),
    mismatch: (provider) => mismatches.inc({ provider }),
    webhook: (provider, outcome) => webhooks.inc({ provider, outcome }),
    reconciled(report) {
      for (const result of ['checked', 'succeeded', 'failed', 'stillOpen', 'refundsSettled', 'errors'] as const) {
        if (report[result] > 0) reconciled.inc({ result }, report[result]);
      }
    },
  };
}
