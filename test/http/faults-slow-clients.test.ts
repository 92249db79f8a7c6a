import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slowClientBounds } from '../../src/http/server-options.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Opens a real socket and sends `head`, then one `drip` every `everyMs`, up to `drips` times, as a slowloris
 * or slow-POST client does. Resolves when the server closes the socket (or the drips run out), with what
 * it answered and whether the client was still dripping.
 */
function trickle(port: number, head: string, drip: string, options: { everyMs: number; drips: number }): Promise<{ answer: string; closedWhileSending: boolean; sent: number }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let sent = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (closedWhileSending: boolean) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, closedWhileSending, sent });
    };
    socket.on('data', (b: Buffer) => (answer += b.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => finish(sent < options.drips));
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (sent >= options.drips) return finish(false);
        sent += 1;
        if (!socket.destroyed) socket.write(drip);
      }, options.everyMs);
    });
  });
}

describe('slow clients are dropped within the header and request bounds (real sockets trickling bytes)', () => {
  let t: TestApp;
  let port: number;
  beforeAll(async () => {
    t = await createTestApp({ HTTP_HEADERS_TIMEOUT_MS: '500', HTTP_REQUEST_TIMEOUT_MS: '1500' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    port = (t.app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await t?.close();
  });

  // Far longer than either bound: a trickle that outlasts this was never dropped.
  const budget = { everyMs: 100, drips: 300 };

  /** Normal requests meanwhile: every one answered. */
  const normalRequestsWhile = async (slow: Promise<unknown>): Promise<number[]> => {
    const statuses: number[] = [];
    let slowDone = false;
    void slow.then(() => (slowDone = true));
    while (!slowDone) statuses.push((await fetch(`http://127.0.0.1:${port}/healthz`)).status);
    return statuses;
  };

  it('drops a client that never finishes its headers (slowloris) with 408, while normal requests are answered', async () => {
    const slow = trickle(port, 'GET / HTTP/1.1\r\nHost: localhost\r\n', 'X-Slow: 1\r\n', budget);
    const normal = await normalRequestsWhile(slow);
    const { answer, closedWhileSending, sent } = await slow;
    expect(closedWhileSending).toBe(true);
    expect(sent).toBeLessThan(budget.drips);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(answer).toContain('"code":"REQUEST_TIMEOUT"');
    expect(normal.length).toBeGreaterThan(0);
    expect(normal.every((s) => s === 200)).toBe(true);
  });

  it('drops a client that sends its body a byte at a time (slow POST) with 408, while normal requests are answered', async () => {
    const head = 'POST /api/v1/auth/sign-in HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{';
    const slow = trickle(port, head, ' ', budget);
    const normal = await normalRequestsWhile(slow);
    const { answer, closedWhileSending, sent } = await slow;
    expect(closedWhileSending).toBe(true);
    expect(sent).toBeLessThan(budget.drips);
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
    expect(normal.length).toBeGreaterThan(0);
    expect(normal.every((s) => s === 200)).toBe(true);
  });

  it('checks the bounds often enough to hold them: a quarter of the shorter one, at most a second', () => {
    expect(slowClientBounds({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000 })).toEqual({ headersTimeout: 10_000, requestTimeout: 30_000, connectionsCheckingInterval: 1_000 });
    expect(slowClientBounds({ headersTimeoutMs: 500, requestTimeoutMs: 1_500 }).connectionsCheckingInterval).toBe(125);
  });
});
