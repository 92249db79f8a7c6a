import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

interface EmfRecord {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

/** A loopback TCP server in the CloudWatch agent's place, collecting newline-delimited EMF records. */
let agent: Server;
const received: EmfRecord[] = [];
let t: TestApp;

beforeAll(async () => {
  agent = createServer((socket) => {
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim()) received.push(JSON.parse(line) as EmfRecord);
      }
    });
  });
  await new Promise<void>((resolve) => agent.listen(0, '127.0.0.1', resolve));
  const port = (agent.address() as AddressInfo).port;
  t = await createTestApp({ METRICS: 'emf', METRICS_NAMESPACE: 'BastionTest', AWS_EMF_AGENT_ENDPOINT: `tcp://127.0.0.1:${port}`, OUTBOX_WORKER: 'off' });
});
afterAll(async () => {
  await t?.close();
  await new Promise((resolve) => agent.close(resolve));
});

const valueOf = (name: string): number | undefined => {
  const record = received.find((r) => r._aws.CloudWatchMetrics[0]!.Metrics.some((m) => m.Name === name));
  return record === undefined ? undefined : (record[name] as number);
};

describe('outbox metrics in CloudWatch (METRICS=emf)', () => {
  it('writes queue depth, the oldest due job’s age, dead jobs and failures under the names the alarms watch', async () => {
    // A job nobody serves waits: what a stopped worker looks like.
    await t.outbox.enqueue(t.database.db, { type: 'test.unserved', key: `emf:${Date.now()}`, payload: {} });
    await t.outbox.metrics.publish();
    const names = ['OutboxQueueDepth', 'OutboxOldestReadyAgeSeconds', 'OutboxDeadJobs', 'OutboxFailures'];
    while (!names.every((n) => valueOf(n) !== undefined)) await new Promise((r) => setTimeout(r, 25));
    const units = Object.fromEntries(received.flatMap((r) => r._aws.CloudWatchMetrics[0]!.Metrics.map((m) => [m.Name, m.Unit])));
    expect(units).toMatchObject({ OutboxQueueDepth: 'Count', OutboxOldestReadyAgeSeconds: 'Seconds', OutboxDeadJobs: 'Count', OutboxFailures: 'Count' });
    const outboxRecords = received.filter((r) => r._aws.CloudWatchMetrics[0]!.Metrics.some((m) => names.includes(m.Name)));
    expect(outboxRecords.every((r) => r._aws.CloudWatchMetrics[0]!.Namespace === 'BastionTest')).toBe(true);
    // No dimensions: the alarms watch the bare metric names.
    expect(outboxRecords.map((r) => r._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual(outboxRecords.map(() => [[]]));
    expect(valueOf('OutboxQueueDepth')).toBeGreaterThanOrEqual(1);
    expect(valueOf('OutboxOldestReadyAgeSeconds')).toBeGreaterThanOrEqual(0);
    expect(valueOf('OutboxDeadJobs')).toBe(0);
    expect(valueOf('OutboxFailures')).toBe(0);
  });
});
