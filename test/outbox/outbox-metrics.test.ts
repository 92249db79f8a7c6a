import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmfAgent, type EmfAgent } from '../support/emf-agent.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let agent: EmfAgent;
let t: TestApp;

beforeAll(async () => {
  agent = await startEmfAgent();
  t = await createTestApp({ METRICS: 'emf', METRICS_NAMESPACE: 'BastionTest', AWS_EMF_AGENT_ENDPOINT: agent.endpoint, OUTBOX_WORKER: 'off' });
});
afterAll(async () => {
  await t?.close();
  await agent.close();
});

const valueOf = (name: string): number | undefined => {
  const record = agent.received.find((r) => r._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name));
  return record === undefined ? undefined : (record[name] as number);
};

describe('outbox metrics in CloudWatch (METRICS=emf)', () => {
  it('writes queue depth, the oldest due job’s age, dead jobs and failures under the names the alarms watch', async () => {
    // A job nobody serves waits: what a stopped worker looks like.
    await t.outbox.enqueue(t.database.db, { type: 'test.unserved', key: `emf:${Date.now()}`, payload: {} });
    await t.outbox.metrics.publish();
    const names = ['OutboxQueueDepth', 'OutboxOldestReadyAgeSeconds', 'OutboxDeadJobs', 'OutboxFailures'];
    while (!names.every((n) => valueOf(n) !== undefined)) await new Promise((r) => setTimeout(r, 25));
    const units = Object.fromEntries(agent.received.flatMap((r) => r._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit])));
    expect(units).toMatchObject({ OutboxQueueDepth: 'Count', OutboxOldestReadyAgeSeconds: 'Seconds', OutboxDeadJobs: 'Count', OutboxFailures: 'Count' });
    const outboxRecords = agent.received.filter((r) => r._aws.CloudWatchMetrics[0]!.Metrics.some((m) => names.includes(m.Name)));
    expect(outboxRecords.every((r) => r._aws.CloudWatchMetrics[0]!.Namespace === 'BastionTest')).toBe(true);
    // No dimensions: the alarms watch the bare metric names.
    expect(outboxRecords.map((r) => r._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual(outboxRecords.map(() => [[]]));
    expect(valueOf('OutboxQueueDepth')).toBeGreaterThanOrEqual(1);
    expect(valueOf('OutboxOldestReadyAgeSeconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf('OutboxDeadJobs')).toBe(0);
    expect(valueOf('OutboxFailures')).toBe(0);
  });
});
