import { mkdtemp, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { generate } from 'selfsigned';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { isSecureRequest } from '../../src/http/proxy-trust.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';
import { counterValue } from './security-helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function get(url: string, options: { headers?: Record<string, string>; ca?: string; method?: string; localAddress?: string } = {}): Promise<Answer> {
  const u = new URL(url);
  const send = u.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      {
        host: u.hostname,
        port: u.port,
        path: `${u.pathname}${u.search}`,
        method: options.method ?? 'GET',
        headers: { connection: 'close', ...options.headers },
        ...(options.ca ? { ca: options.ca, servername: 'localhost' } : {}),
        ...(options.localAddress ? { localAddress: options.localAddress } : {}),
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Adds a probe route showing what the app believes about the client, then listens on a free port. */
async function listenWithProbe(t: TestApp): Promise<number> {
  t.app.get('/test/whoami', async (request) => ({ ip: request.ip, protocol: request.protocol, secure: isSecureRequest(request) }));
  t.app.get('/test/form', async (request, reply) => reply.type('text/html').send(`<input value="${t.security.csrf.token(request)}">`));
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  return (t.app.server.address() as { port: number }).port;
}

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.close());

describe('HTTPS served by the process (TLS_CERT/TLS_KEY)', () => {
  let t: TestApp;
  let port: number;
  let cert: string;
  beforeAll(async () => {
    const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
      keySize: 2048,
      algorithm: 'sha256',
      extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: '127.0.0.1' }] }],
    });
    cert = pems.cert;
    const dir = await mkdtemp(join(tmpdir(), 'bastion-tls-'));
    await writeFile(join(dir, 'cert.pem'), pems.cert);
    await writeFile(join(dir, 'key.pem'), pems.private, { mode: 0o600 });
    t = await createTestApp(
      { TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem'), HTTP_REDIRECT_PORT: '0', PUBLIC_URL: 'https://shop.test' },
      { database },
    );
    port = await listenWithProbe(t);
  });
  afterAll(async () => t.close());

  it('serves HTTPS with HSTS, and knows the request is secure', async () => {
    const res = await get(`https://127.0.0.1:${port}/test/whoami`, { ca: cert });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ ip: '127.0.0.1', protocol: 'https', secure: true });
    expect(res.headers['strict-transport-security']).toBe('max-age=63072000; includeSubDomains');
  });

  it('asks browsers to upgrade subresources on pages, and sets a __Host- Secure CSRF cookie', async () => {
    const page = await get(`https://127.0.0.1:${port}/`, { ca: cert, headers: { accept: 'text/html' } });
    expect(String(page.headers['content-security-policy'])).toContain('upgrade-insecure-requests');
    const form = await get(`https://127.0.0.1:${port}/test/form`, { ca: cert });
    expect(String(form.headers['set-cookie'])).toMatch(/^__Host-csrf=[^;]+; Path=\/; HttpOnly; SameSite=Lax; Secure$/);
  });

  it('negotiates TLS 1.2 only with forward-secret AEAD ciphers, and refuses older protocols and CBC suites', async () => {
    const handshake = (options: { minVersion?: 'TLSv1' | 'TLSv1.2'; maxVersion: 'TLSv1.1' | 'TLSv1.2'; ciphers?: string }) =>
      new Promise<{ ok: boolean; cipher?: string; protocol?: string | null }>((resolve) => {
        const socket = tlsConnect({ host: '127.0.0.1', port, ca: cert, servername: 'localhost', ...options }, () => {
          resolve({ ok: true, cipher: socket.getCipher().name, protocol: socket.getProtocol() });
          socket.end();
        });
        socket.on('error', () => resolve({ ok: false }));
      });
    const tls12 = await handshake({ maxVersion: 'TLSv1.2' });
    expect(tls12).toMatchObject({ ok: true, protocol: 'TLSv1.2' });
    expect(tls12.cipher).toMatch(/^ECDHE-(RSA|ECDSA)-(AES(128|256)-GCM-SHA(256|384)|CHACHA20-POLY1305)$/);
    expect((await handshake({ minVersion: 'TLSv1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT@SECLEVEL=0' })).ok).toBe(false);
    expect((await handshake({ maxVersion: 'TLSv1.2', ciphers: 'ECDHE-RSA-AES128-SHA:AES128-SHA256' })).ok).toBe(false);
  });

  it('redirects plain HTTP to the HTTPS origin, never to the Host header, and refuses a plain-HTTP POST', async () => {
    const redirectPort = t.security.redirectPort();
    expect(redirectPort).toBeGreaterThan(0);
    const res = await get(`http://127.0.0.1:${redirectPort}/p/linen-shirt?image=2`, { headers: { host: 'evil.example' } });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('https://shop.test/p/linen-shirt?image=2');
    const sneaky = await get(`http://127.0.0.1:${redirectPort}//evil.example/x`);
    expect(sneaky.headers.location).toBe('https://shop.test//evil.example/x');
    const post = await get(`http://127.0.0.1:${redirectPort}/cart`, { method: 'POST' });
    expect(post.status).toBe(400);
    expect(JSON.parse(post.body)).toMatchObject({ code: 'HTTPS_REQUIRED' });
  });
});

describe('X-Forwarded-* and TRUST_PROXY (real sockets)', () => {
  const spoof = { 'x-forwarded-for': '198.51.100.1', 'x-forwarded-proto': 'https' };

  it('ignores X-Forwarded-For and -Proto from a peer that is not a trusted proxy', async () => {
    const t = await createTestApp({ TRUST_PROXY: '10.0.0.0/8', IP_BLOCKLIST: '198.51.100.1' }, { database });
    try {
      const port = await listenWithProbe(t);
      const res = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: spoof });
      expect(res.status).toBe(200);
      expect(JSON.parse(res.body)).toEqual({ ip: '127.0.0.1', protocol: 'http', secure: false });
      expect(res.headers['strict-transport-security']).toBeUndefined();
      // A client cannot dodge its own rate limit or frame another address for a block either.
      expect(await counterValue(t.metrics.registry, 'http_requests_blocked_total', { reason: 'ip_blocklist' })).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('ignores them entirely when TRUST_PROXY is unset', async () => {
    const t = await createTestApp({}, { database });
    try {
      const port = await listenWithProbe(t);
      const res = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: spoof });
      expect(JSON.parse(res.body)).toEqual({ ip: '127.0.0.1', protocol: 'http', secure: false });
    } finally {
      await t.close();
    }
  });

  it('believes a trusted proxy: client IP for blocks and limits, HTTPS for HSTS and cookies', async () => {
    const t = await createTestApp({ TRUST_PROXY: '127.0.0.1', IP_BLOCKLIST: '198.51.100.1' }, { database });
    try {
      const port = await listenWithProbe(t);
      const blocked = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: spoof });
      expect(blocked.status).toBe(403);
      expect(JSON.parse(blocked.body)).toMatchObject({ code: 'IP_BLOCKED' });
      expect(await counterValue(t.metrics.registry, 'http_requests_blocked_total', { reason: 'ip_blocklist' })).toBe(1);
      const other = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: { ...spoof, 'x-forwarded-for': '198.51.100.2' } });
      expect(JSON.parse(other.body)).toEqual({ ip: '198.51.100.2', protocol: 'https', secure: true });
      expect(other.headers['strict-transport-security']).toBeDefined();
      // A client-supplied entry to the left of what the proxy appended is not believed.
      const chain = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: { 'x-forwarded-for': '1.1.1.1, 198.51.100.3' } });
      expect(JSON.parse(chain.body)).toMatchObject({ ip: '198.51.100.3' });
    } finally {
      await t.close();
    }
  });

  it('with CIDRs and a hop count, trusts that many hops only behind a proxy in the ranges', async () => {
    const t = await createTestApp({ TRUST_PROXY: '127.0.0.1,2' }, { database });
    try {
      const port = await listenWithProbe(t);
      const viaProxy = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: { 'x-forwarded-for': '9.9.9.9, 198.51.100.3' } });
      expect(JSON.parse(viaProxy.body)).toMatchObject({ ip: '9.9.9.9' });
      // Another loopback address plays a client that reaches the port directly, bypassing the proxy.
      const direct = await get(`http://127.0.0.1:${port}/test/whoami`, { headers: { 'x-forwarded-for': '9.9.9.9, 198.51.100.3', 'x-forwarded-proto': 'https' }, localAddress: '127.0.0.2' });
      expect(JSON.parse(direct.body)).toEqual({ ip: '127.0.0.2', protocol: 'http', secure: false });
    } finally {
      await t.close();
    }
  });
});
