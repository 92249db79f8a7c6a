import { Counter, Histogram, type Registry } from 'prom-client';
import type { EmfPublisher } from './emf.js';

/**
 * Business figures the dashboard and alarms watch: orders placed, payment failures, checkout latency.
 * Always counted for /metrics; also written as EMF when METRICS=emf. Checkout and payments call these.
 */
export interface BusinessMetrics {
  orderPlaced(currency: string): void;
  paymentFailed(provider: string): void;
  checkoutCompleted(ms: number): void;
}

export function createBusinessMetrics(registry: Registry, emf?: EmfPublisher): BusinessMetrics {
  const orders = new Counter({ name: 'orders_placed_total', help: 'Orders placed', labelNames: ['currency'] as const, registers: [registry] });
  const failures = new Counter({ name: 'payment_failures_total', help: 'Failed payment attempts', labelNames: ['provider'] as const, registers: [registry] });
  const checkout = new Histogram({
    name: 'checkout_duration_seconds',
    help: 'Time to place an order, from submit to confirmation',
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  // EMF writes are fire-and-forget: a metrics outage must never fail an order.
  const emit = (name: string, value: number, unit: 'Count' | 'Milliseconds', dimensions?: Record<string, string>): void => {
    void emf?.recordEvent(name, value, unit, dimensions).catch(() => undefined);
  };
  return {
    orderPlaced(currency) {
      orders.inc({ currency });
      emit('OrdersPlaced', 1, 'Count');
    },
    paymentFailed(provider) {
      failures.inc({ provider });
      emit('PaymentFailures', 1, 'Count', { Provider: provider });
    },
    checkoutCompleted(ms) {
      checkout.observe(ms / 1000);
      emit('CheckoutLatency', ms, 'Milliseconds');
    },
  };
}
