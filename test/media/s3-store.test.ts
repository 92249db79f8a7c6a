import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openObjectStore } from '../../src/adapters/storage/open-object-store.js';
import { createS3ObjectStore } from '../../src/adapters/storage/s3.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startLoopbackS3, type LoopbackS3 } from '../support/s3-server.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { formSession, jpegOf, postUpload } from '../support/uploads.js';

/** The S3 adapter with the real AWS SDK against a real S3-protocol server (s3rver) on loopback. */
let s3: LoopbackS3;
const kmsKeyId = 'arn:aws:kms:eu-west-2:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

beforeAll(async () => {
  s3 = await startLoopbackS3();
});
afterAll(async () => {
  await s3?.close();
});

function store() {
  const created = createS3ObjectStore({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'eu-west-2', kmsKeyId, credentials: s3.credentials });
  // What each request carried on the wire, as the server received it.
  const sent: { method: string; path: string; headers: Record<string, string> }[] = [];
  created.client.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { method: string; path: string; headers: Record<string, string> };
      sent.push({ method: request.method, path: request.path, headers: { ...request.headers } });
      return next(args);
    },
    { step: 'finalizeRequest', name: 'recordRequests' },
  );
  return { store: created, sent };
}

describe('the S3 object store', () => {
  it('puts, gets, tells what exists, answers undefined for a missing key, and deletes', async () => {
    const { store: s } = store();
    const body = Buffer.from('RIFF....WEBPVP8 not really an image, but bytes are bytes');
    await s.put('media/i/abc123/320.webp', body, 'image/webp');
    expect(await s.exists('media/i/abc123/320.webp')).toBe(true);
    const got = await s.get('media/i/abc123/320.webp');
    expect(got?.contentType).toBe('image/webp');
    expect(got?.size).toBe(body.length);
    const chunks: Buffer[] = [];
    for await (const chunk of got!.body) chunks.push(Buffer.from(chunk as Uint8Array));
    expect(Buffer.concat(chunks).equals(body)).toBe(true);

    expect(await s.exists('media/i/nothing-here/320.webp')).toBe(false);
    expect(await s.get('media/i/nothing-here/320.webp')).toBeUndefined();

    await s.delete('media/i/abc123/320.webp');
    expect(await s.exists('media/i/abc123/320.webp')).toBe(false);
  });

  it('asks for SSE-KMS with the configured key on every put, path-style on the given endpoint, and marks public media immutable', async () => {
    const { store: s, sent } = store();
    await s.put('media/i/def456/640.avif', Buffer.from('a'), 'image/avif');
    await s.put('private/exports/report.json', Buffer.from('{}'), 'application/json');
    const puts = sent.filter((r) => r.method === 'PUT');
    expect(puts.map((r) => r.path)).toEqual([`/${s3.bucket}/media/i/def456/640.avif`, `/${s3.bucket}/private/exports/report.json`]);
    for (const put of puts) {
      expect(put.headers['x-amz-server-side-encryption']).toBe('aws:kms');
      expect(put.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe(kmsKeyId);
    }
    expect(puts[0]!.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(puts[1]!.headers['cache-control']).toBeUndefined();
  });

  it('refuses a key with a path in it before any request is sent', async () => {
    const { store: s, sent } = store();
    for (const key of ['../../etc/passwd', 'media/../private/x', '/media/x.webp', 'Media/X.webp']) {
      await expect(s.put(key, Buffer.from('x'), 'image/webp')).rejects.toThrow(/invalid object key/);
      await expect(s.get(key)).rejects.toThrow(/invalid object key/);
    }
    expect(sent).toEqual([]);
  });
});

describe('STORAGE=s3 in the app', () => {
  let t: TestApp;

  beforeAll(async () => {
    // The SDK's default credential chain reads these, as it reads the instance role's on AWS.
    vi.stubEnv('AWS_ACCESS_KEY_ID', s3.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', s3.credentials.secretAccessKey);
    const env = { STORAGE: 's3', S3_BUCKET: s3.bucket, S3_ENDPOINT: s3.endpoint, AWS_REGION: 'eu-west-2', KMS_KEY_ID: kmsKeyId };
    const config = loadConfig({ NODE_ENV: 'test', ...env });
    expect(config.storage).toEqual({ kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, region: 'eu-west-2', kmsKeyId });
    t = await createTestApp(env, { store: openObjectStore(config) });
  });
  afterAll(async () => {
    await t?.close();
    vi.unstubAllEnvs();
  });

  it('stores an uploaded product image in the bucket and serves its renditions from there', async () => {
    const owner = await formSession(t, (await createSignedInStaff(t, 'catalog_manager')).cookie);
    const product = (await t.catalog.listProducts({ limit: 1, offset: 0 })).items[0]!;
    const res = await postUpload(t, `/api/v1/admin/catalog/products/${product.id}/images`, owner, { alt: 'Stored in S3' }, [
      { body: await jpegOf(700, 500), filename: 'photo.jpg', contentType: 'image/jpeg' },
    ]);
    expect(res.statusCode, res.body).toBe(201);
    const url = res.json<{ image: { url: string } }>().image.url;
    expect(url).toMatch(/^\/media\/i\/[0-9a-f]{64}\/700\.webp$/);

    // The object is in the bucket itself, read back with a client of its own.
    const direct = createS3ObjectStore({ bucket: s3.bucket, endpoint: s3.endpoint, region: 'eu-west-2', credentials: s3.credentials });
    expect(await direct.exists(url.slice(1))).toBe(true);

    const served = await t.app.inject({ url });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/webp');
    expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(served.rawPayload.subarray(0, 4).toString()).toBe('RIFF');
    expect((await t.app.inject({ url: url.replace('700.webp', '320.avif') })).headers['content-type']).toBe('image/avif');
    expect((await t.app.inject({ url: url.replace('700.webp', '1600.webp') })).statusCode).toBe(404);
  });
});

describe('storage and media settings', () => {
  it('names every missing or wrong S3 setting at once', () => {
    let error: unknown;
    try {
      loadConfig({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', STORAGE: 's3', S3_ENDPOINT: 'http://minio.internal:9000', S3_PUBLIC_PREFIX: 'public/', CDN_URL: 'http://cdn.example' });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['S3_BUCKET', 'S3_ENDPOINT', 'S3_PUBLIC_PREFIX', 'KMS_KEY_ID', 'CDN_URL']) expect(problems).toContain(`${name}:`);
  });

  it('defaults to local storage, 10 MB and 40 megapixels', () => {
    const config = loadConfig({ NODE_ENV: 'test' });
    expect(config.storage).toEqual({ kind: 'local' });
    expect(config.media).toEqual({ cdnUrl: undefined, maxBytes: 10 * 1024 * 1024, maxPixels: 40_000_000 });
  });

  it('points every image URL at CDN_URL when it is set', async () => {
    const t = await createTestApp({ CDN_URL: 'https://d1234.cloudfront.net/' });
    try {
      const res = await t.app.inject({ url: '/api/v1/products?limit=2' });
      const items = res.json<{ items: { image: { url: string } }[] }>().items;
      expect(items.length).toBe(2);
      for (const { image } of items) expect(image.url).toMatch(/^https:\/\/d1234\.cloudfront\.net\/media\/i\/[0-9a-f]{64}\/800\.webp$/);
      const home = await t.app.inject({ url: '/' });
      const srcsets = [...home.body.matchAll(/srcset="([^"]+)"/g)].map((m) => m[1]!);
      expect(srcsets.length).toBeGreaterThan(4);
      for (const srcset of srcsets) {
        for (const entry of srcset.split(', ')) expect(entry).toMatch(/^https:\/\/d1234\.cloudfront\.net\/media\/i\/[0-9a-f]{64}\/(400|800)\.(avif|webp) (400|800)w$/);
      }
    } finally {
      await t.close();
    }
  });
});
