import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

/** One Embedded Metric Format record as the CloudWatch agent receives it. */
export interface EmfRecord {
  _aws: { Timestamp: number; CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string; Unit: string }[] }[] };
  [key: string]: unknown;
}

export interface EmfAgent {
  /** `tcp://127.0.0.1:<port>`, for AWS_EMF_AGENT_ENDPOINT. */
  endpoint: string;
  /** Every record received so far, in order. */
  received: EmfRecord[];
  close(): Promise<void>;
}

/** A loopback TCP server in the CloudWatch agent's place, collecting newline-delimited EMF records. */
export async function startEmfAgent(): Promise<EmfAgent> {
  const received: EmfRecord[] = [];
  const server = createServer((socket) => {
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `tcp://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
