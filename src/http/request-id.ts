import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Client-supplied ids reach every log line, so only a short, plain token is believed (no log injection).
const safeId = /^[A-Za-z0-9._:=;@+-]{1,128}$/;

/**
 * Takes the caller's `X-Request-Id`, else the ALB's `X-Amzn-Trace-Id`, else a new UUID, so one id
 * follows a request from the load balancer through every log line and back in the response.
 */
export function requestIdFrom(req: IncomingMessage): string {
  for (const name of ['x-request-id', 'x-amzn-trace-id']) {
    const value = req.headers[name];
    if (typeof value === 'string' && safeId.test(value)) return value;
  }
  return randomUUID();
}
