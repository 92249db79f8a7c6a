import { Counter, type Registry } from 'prom-client';
import type { BusinessMetrics } from '../../adapters/metrics/business-metrics.js';
import type { OrderMetrics } from './orders.ports.js';

/**
 * Orders placed (the business metric) and faults found by payment events and reconciliation, by kind
 * (`orders_issues_total{kind="paid_without_payment"}`): an alarm watches the latter.
 */
export function createOrderMetrics(registry: Registry, business: Pick<BusinessMetrics, 'orderPlaced'>): OrderMetrics {
  const issues = new Counter({ name: 'orders_issues_total', help: 'Order faults found (amount mismatch, paid without payment...)', labelNames: ['kind'] as const, registers: [registry] });
  return {
    orderPlaced: (currency) => business.orderPlaced(currency),
    issue: (kind) => issues.inc({ kind }),
  };
}
