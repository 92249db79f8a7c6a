import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonShapeProblem } from '../../src/http/request-limits.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { counterValue } from './security-helpers.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ IP_BLOCKLIST: '203.0.113.0/24, 2001:db8:bad::/48', IP_ALLOWLIST: '203.0.113.5' });
  t.app.post('/test/echo', async (request) => ({ body: request.body }));
});
afterAll(async () => t.close());

const blocked = (reason: string) => counterValue(t.metrics.registry, 'http_requests_blocked_total', { reason });
const postJson = (payload: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/products/batch', headers: { 'content-type': 'application/json' }, payload });

describe('JSON shape limits', () => {
  it('refuses a body nested deeper than JSON_MAX_DEPTH before parsing it, and counts it', async () => {
    const res = await postJson(`${'['.repeat(50)}${']'.repeat(50)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'JSON_TOO_DEEP' });
    expect(await blocked('json_too_deep')).toBe(1);
  });

  it('refuses a body with more than JSON_MAX_KEYS object keys', async () => {
    const wide = `{${Array.from({ length: 1001 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const res = await postJson(wide);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'JSON_TOO_MANY_KEYS' });
    expect(await blocked('json_too_many_keys')).toBe(1);
  });

  it('still refuses prototype poisoning', async () => {
    const res = await postJson('{"slugs":["organic-cotton-tee"],"__proto__":{"isAdmin":true}}');
    expect(res.statusCode).toBe(400);
    const ctor = await postJson('{"slugs":["x"],"constructor":{"prototype":{"isAdmin":true}}}');
    expect(ctor.statusCode).toBe(400);
  });

  it('does not count brackets, colons or quotes inside strings', async () => {
    const body = { note: '[[[[{{{{::::"\\'.repeat(20) };
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', payload: body });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ body });
    expect(jsonShapeProblem('{"a":"[[[[[[\\"[[[[["}', 2, 1)).toBeUndefined();
    expect(jsonShapeProblem('{"a":{"b":{}}}', 2, 10)).toBe('too_deep');
    expect(jsonShapeProblem('{"a":1,"b":2}', 5, 1)).toBe('too_many_keys');
  });

  it('keeps the per-route body limit and counts refusals (413)', async () => {
    const res = await postJson(JSON.stringify({ slugs: Array.from({ length: 3000 }, (_, i) => `product-${i}`) }));
    expect(res.statusCode).toBe(413);
    expect(await blocked('body_too_large')).toBe(1);
  });
});

describe('forms, URLs and headers', () => {
  it('parses a form into an object without a prototype, and refuses one with too many fields', async () => {
    const ok = await t.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: '__proto__=x&a=1&a=2' });
    // No CSRF cookie: the form parsed, then the token check refused it.
    expect(ok.statusCode).toBe(403);
    expect(ok.json()).toMatchObject({ code: 'CSRF_REJECTED' });
    const many = Array.from({ length: 300 }, (_, i) => `f${i}=1`).join('&');
    const res = await t.app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: many });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ code: 'FORM_TOO_MANY_FIELDS' });
  });

  it('answers an over-long URL with 414 problem+json', async () => {
    const res = await t.app.inject({ url: `/api/v1/products?category=${'a'.repeat(5000)}` });
    expect(res.statusCode).toBe(414);
    expect(res.json()).toMatchObject({ code: 'URI_TOO_LONG' });
    expect(await blocked('url_too_long')).toBe(1);
  });

  it('keeps the server timeouts Fastify was given (slowloris bound, keep-alive beyond the ALB idle timeout)', () => {
    expect(t.app.server.requestTimeout).toBe(30_000);
    expect(t.app.server.headersTimeout).toBe(10_000);
    expect(t.app.server.keepAliveTimeout).toBe(65_000);
  });

  it('answers over-large headers with 431 problem+json on a real socket', async () => {
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t.app.server.address() as { port: number };
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`GET /healthz HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    expect(raw).toContain('application/problem+json');
    expect(raw).toContain('"code":"HEADERS_TOO_LARGE"');
    expect(await blocked('header_too_large')).toBe(1);
    // A normal request on the same server still works.
    const status = await new Promise<number>((resolve) => httpRequest({ port, host: '127.0.0.1', path: '/healthz' }, (res) => resolve(res.statusCode ?? 0)).end());
    expect(status).toBe(200);
  });
});

describe('IP block and allow lists', () => {
  it('refuses a blocked address with 403 problem+json and counts the block', async () => {
    const before = await blocked('ip_blocklist');
    for (const ip of ['203.0.113.9', '::ffff:203.0.113.9', '2001:db8:bad:1::7']) {
      const res = await t.app.inject({ url: '/api/v1/categories', remoteAddress: ip });
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'IP_BLOCKED' });
    }
    expect(await blocked('ip_blocklist')).toBe(before + 3);
  });

  it('lets an allow-listed address inside a blocked range through, and anyone else', async () => {
    expect((await t.app.inject({ url: '/api/v1/categories', remoteAddress: '203.0.113.5' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/categories', remoteAddress: '198.51.100.1' })).statusCode).toBe(200);
  });

  it('exposes every block reason on /metrics', async () => {
    const res = await t.app.inject({ url: '/metrics' });
    expect(res.body).toContain('http_requests_blocked_total{reason="ip_blocklist"}');
  });
});
