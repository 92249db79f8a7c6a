import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmfAgent, type EmfAgent } from '../support/emf-agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let agent: EmfAgent;
let t: TestApp;
let emfEnv: Record<string, string>;

beforeAll(async () => {
  agent = await startEmfAgent();
  emfEnv = { METRICS: 'emf', METRICS_NAMESPACE: 'BastionTest', AWS_EMF_AGENT_ENDPOINT: agent.endpoint };
  t = await createTestApp(emfEnv);
});
afterAll(async () => {
  await t.close();
  await agent.close();
});

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 50));
};

describe('METRICS=emf', () => {
  it('sends per-route request counts, errors and latency samples to the CloudWatch agent', async () => {
    for (let i = 0; i < 5; i++) await t.app.inject({ url: '/api/v1/products/organic-cotton-tee' });
    await t.app.inject({ url: '/api/v1/products/not-there' });
    // The publisher flushes once a minute; closing the app flushes what is pending.
    await t.app.close();
    await until(() => agent.received.some((r) => r.Route === '/api/v1/products/:idOrSlug'));
    const record = agent.received.find((r) => r.Route === '/api/v1/products/:idOrSlug')!;
    expect(record._aws.CloudWatchMetrics[0]!.Namespace).toBe('BastionTest');
    expect(record._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['Route', 'Method']]);
    expect(record).toMatchObject({ Method: 'GET', Requests: 6, Errors4xx: 1, Errors5xx: 0 });
    expect(Array.isArray(record.Latency) ? record.Latency : [record.Latency]).toHaveLength(6);
    const names = record._aws.CloudWatchMetrics[0]!.Metrics.map((m) => `${m.Name}:${m.Unit}`).sort();
    expect(names).toEqual(['Errors4xx:Count', 'Errors5xx:Count', 'Latency:Milliseconds', 'Requests:Count']);
  });

  it('writes business events as they happen, and counts them for /metrics too', async () => {
    const app = await createTestApp(emfEnv, { database: t.database });
    app.businessMetrics.orderPlaced('GBP');
    app.businessMetrics.paymentFailed('stripe');
    app.businessMetrics.checkoutCompleted(850);
    await until(() => agent.received.some((r) => 'CheckoutLatency' in r) && agent.received.some((r) => 'PaymentFailures' in r));
    expect(agent.received.find((r) => 'OrdersPlaced' in r)).toMatchObject({ OrdersPlaced: 1 });
    expect(agent.received.find((r) => 'PaymentFailures' in r)).toMatchObject({ PaymentFailures: 1, Provider: 'stripe' });
    expect(agent.received.find((r) => 'CheckoutLatency' in r)).toMatchObject({ CheckoutLatency: 850 });
    const text = await app.metrics.registry.metrics();
    expect(text).toMatch(/orders_placed_total\{currency="GBP"\} 1/);
    expect(text).toMatch(/payment_failures_total\{provider="stripe"\} 1/);
    await app.app.close();
  });
});
