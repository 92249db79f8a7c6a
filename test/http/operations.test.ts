import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
let base: string;
beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
});
afterAll(async () => t.close());

describe('request ids and logs (over a real socket)', () => {
  it('ignores a client’s X-Request-Id: the id on the reply and the log line is the server’s', async () => {
    const res = await fetch(`${base}/api/v1/categories`, { headers: { 'x-request-id': '=forged-id' } });
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await res.arrayBuffer();
    expect(t.logs.some((l) => l.requestId === id && l.msg === 'request' && l.status === 200)).toBe(true);
    expect(t.logs.some((l) => l.requestId === '=forged-id')).toBe(false);
  });

  it('generates an id when none is sent, on errors too', async () => {
    const res = await fetch(`${base}/api/v1/products/none-such`);
    const id = res.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(((await res.json()) as { requestId: string }).requestId).toBe(id);
  });

  it('never logs credentials, cookies or query-string tokens', async () => {
    await fetch(`${base}/api/v1/categories?token=s3cr3t-reset-token`, {
      headers: { authorization: 'Bearer top-secret-token', cookie: '__Host-bastion_session=sessionsecret' },
    }).then((r) => r.arrayBuffer());
    const child = t.app.log.child({});
    child.info({ user: { password: 'hunter22', cardNumber: '4242424242424242', cvc: '123' } }, 'probe');
    const text = JSON.stringify(t.logs);
    for (const secret of ['s3cr3t-reset-token', 'top-secret-token', 'sessionsecret', 'hunter22', '4242424242424242']) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('[redacted]');
  });

  it('writes every log line as JSON with a level and time', () => {
    expect(t.logs.length).toBeGreaterThan(0);
    for (const line of t.logs) {
      expect(typeof line.level).toBe('number');
      expect(typeof line.time).toBe('number');
    }
  });
});

describe('health and metrics', () => {
  it('reports alive and ready', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok', checks: { database: { status: 'ok' }, migrations: { status: 'ok' } } });
  });

  it('counts requests, errors and latency by route template', async () => {
    await fetch(`${base}/api/v1/products/organic-cotton-tee`).then((r) => r.arrayBuffer());
    await fetch(`${base}/api/v1/products/missing-product`).then((r) => r.arrayBuffer());
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/http_requests_total\{method="GET",route="\/api\/v1\/products\/:idOrSlug",status_code="200"\} [1-9]/);
    expect(text).toMatch(/http_request_errors_total\{method="GET",route="\/api\/v1\/products\/:idOrSlug",class="4xx"\} [1-9]/);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{le="0\.1",method="GET",route="\/api\/v1\/products\/:idOrSlug",status_code="200"\}/);
    expect(text).toContain('process_resident_memory_bytes');
  });

  it('keeps unmatched URLs under one label, so scanners cannot blow up the series count', async () => {
    await fetch(`${base}/random-${Date.now()}`).then((r) => r.arrayBuffer());
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/route="unmatched",status_code="404"/);
    expect(text).not.toContain('random-');
  });

  it('serves the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/api/docs/json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/products', '/api/v1/products/{idOrSlug}', '/api/v1/categories']));
  });
});

describe('metrics access outside development', () => {
  it('needs the bearer token in production', async () => {
    const token = 'a-long-enough-metrics-token-1234';
    const prod = await createTestApp({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', METRICS_TOKEN: token, CSRF_SECRET: 'x'.repeat(40) }, { database: t.database });
    try {
      for (const headers of [{}, { authorization: 'Bearer wrong-token-wrong-token-12' }, { authorization: token }, { authorization: `Basic ${token}` }]) {
        const refused = await prod.app.inject({ url: '/metrics', headers });
        expect(refused.statusCode, JSON.stringify(headers)).toBe(403);
        expect(refused.headers['content-type'], JSON.stringify(headers)).toMatch(/^application\/problem\+json/);
        expect(refused.json(), JSON.stringify(headers)).toMatchObject({ status: 403, code: 'METRICS_FORBIDDEN' });
        expect(refused.body, JSON.stringify(headers)).not.toContain('http_requests_total');
      }
      const ok = await prod.app.inject({ url: '/metrics', headers: { authorization: `Bearer ${token}` } });
      expect(ok.statusCode).toBe(200);
    } finally {
      await prod.app.close();
    }
  });

  it('hides internal error messages in production', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(40) }, { database: t.database });
    prod.app.get('/boom', async () => {
      throw new Error('connection string postgres://user:pw@db leaked');
    });
    try {
      const res = await prod.app.inject({ url: '/boom' });
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('postgres://');
      expect(res.body).not.toMatch(/at .*\.ts:\d+/);
      expect(res.json()).toMatchObject({ code: 'INTERNAL', status: 500 });
    } finally {
      await prod.app.close();
    }
  });
});
