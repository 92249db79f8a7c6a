import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCloudFrontCdn } from '../../src/adapters/cdn/cloudfront.js';
import type { CdnInvalidator } from '../../src/adapters/cdn/cdn.js';
import { cdnInvalidateJob } from '../../src/catalog-changes.js';
import { hasRedisServer, startPrivateRedis, type PrivateRedis } from '../support/redis-server.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** What the loopback CloudFront API was sent. */
interface RecordedInvalidation {
  method: string;
  path: string;
  authorization: string;
  callerReference: string;
  paths: string[];
  quantity: number;
}

/**
 * A loopback server answering CloudFront's CreateInvalidation (POST /2020-05-31/distribution/{Id}/invalidation,
 * an XML InvalidationBatch in, 201 with an Invalidation out), recording each request.
 */
async function startCloudFrontApi(): Promise<{ url: string; requests: RecordedInvalidation[]; close(): Promise<void> }> {
  const requests: RecordedInvalidation[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const callerReference = /<CallerReference>([^<]*)<\/CallerReference>/.exec(body)?.[1] ?? '';
      const paths = [...body.matchAll(/<Path>([^<]*)<\/Path>/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
      const quantity = Number(/<Quantity>(\d+)<\/Quantity>/.exec(body)?.[1]);
      requests.push({ method: req.method ?? '', path: req.url ?? '', authorization: String(req.headers.authorization ?? ''), callerReference, paths, quantity });
      const id = `I${++n}EXAMPLE`;
      const distribution = /\/distribution\/([^/]+)\/invalidation$/.exec(req.url ?? '')?.[1] ?? '';
      res.writeHead(201, { 'content-type': 'text/xml', location: `https://cloudfront.amazonaws.com/2020-05-31/distribution/${distribution}/invalidation/${id}` });
      res.end(
        `<?xml version="1.0"?>\n<Invalidation xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Id>${id}</Id><Status>InProgress</Status>` +
          `<CreateTime>2026-12-01T10:00:00.000Z</CreateTime><InvalidationBatch><Paths><Quantity>${quantity}</Quantity><Items>` +
          paths.map((p) => `<Path>${p}</Path>`).join('') +
          `</Items></Paths><CallerReference>${callerReference}</CallerReference></InvalidationBatch></Invalidation>`,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

describe('the CloudFront CDN adapter', () => {
  let api: Awaited<ReturnType<typeof startCloudFrontApi>>;
  beforeAll(async () => {
    api = await startCloudFrontApi();
  });
  afterAll(async () => api.close());

  it('sends CreateInvalidation for the distribution with the paths and a unique caller reference, signed', async () => {
    const cdn = createCloudFrontCdn({ distributionId: 'E2QWRUHAPOMQZL', endpoint: api.url, credentials });
    await cdn.invalidate(['/p/linen-shirt*', '/c/apparel*', '/p/linen-shirt*']);
    await cdn.invalidate(['/p/linen-shirt*', '/c/apparel*']);
    const [first, second] = api.requests.slice(-2);
    expect(first).toMatchObject({ method: 'POST', path: '/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation', quantity: 2 });
    expect(first!.paths).toEqual(['/p/linen-shirt*', '/c/apparel*']);
    expect(first!.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/cloudfront\/aws4_request/);
    expect(first!.callerReference.length).toBeGreaterThan(16);
    // The same paths twice are two invalidations: CloudFront refuses a reused reference with other paths.
    expect(second!.callerReference).not.toBe(first!.callerReference);
  });

  it('percent-encodes paths outside ASCII and sends nothing for no path', async () => {
    const cdn = createCloudFrontCdn({ distributionId: 'E2QWRUHAPOMQZL', endpoint: api.url, credentials });
    const before = api.requests.length;
    await cdn.invalidate([]);
    expect(api.requests.length).toBe(before);
    await cdn.invalidate(['/p/crème-brûlée-dish*']);
    expect(api.requests.at(-1)!.paths).toEqual(['/p/cr%C3%A8me-br%C3%BBl%C3%A9e-dish*']);
  });
});

describe('a catalog change through the composed listener', () => {
  let api: Awaited<ReturnType<typeof startCloudFrontApi>>;
  let t: TestApp;
  beforeAll(async () => {
    api = await startCloudFrontApi();
    t = await createTestApp({ CATALOG_CACHE_TTL_MS: '600000' }, { cdn: createCloudFrontCdn({ distributionId: 'E2QWRUHAPOMQZL', endpoint: api.url, credentials }) });
  });
  afterAll(async () => {
    await t.close();
    await api.close();
  });

  it('writes the cache and CDN jobs with the change, and running them drops the read cache and the CDN copies', async () => {
    const before = await t.app.inject('/api/v1/products/waxed-canvas-tote');
    expect(before.json()).toMatchObject({ name: 'Waxed Canvas Tote' });
    await t.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('product').set({ name: 'Waxed Canvas Tote Bag' }).where('slug', '=', 'waxed-canvas-tote').execute();
      await t.catalogChanges.listener(trx, { productIds: [before.json<{ id: string }>().id], categoryIds: [], collectionIds: [], paths: ['/p/waxed-canvas-tote'] });
    });
    // Until the jobs run, this instance still serves its cached copy (TTL ten minutes).
    expect((await t.app.inject('/api/v1/products/waxed-canvas-tote')).json()).toMatchObject({ name: 'Waxed Canvas Tote' });
    await t.outbox.drain();
    expect((await t.app.inject('/api/v1/products/waxed-canvas-tote')).json()).toMatchObject({ name: 'Waxed Canvas Tote Bag' });
    const sent = api.requests.at(-1)!;
    expect(sent.path).toBe('/2020-05-31/distribution/E2QWRUHAPOMQZL/invalidation');
    expect(sent.paths).toEqual(expect.arrayContaining(['/p/waxed-canvas-tote*', '/', '/search*', '/sitemap.xml', '/sitemaps/*']));
  });

  it('writes nothing when the transaction rolls back', async () => {
    const sent = api.requests.length;
    await expect(
      t.database.db.transaction().execute(async (trx) => {
        await t.catalogChanges.listener(trx, { productIds: [], categoryIds: [], collectionIds: [], paths: ['/c/apparel'] });
        throw new Error('the writer failed');
      }),
    ).rejects.toThrow('the writer failed');
    await t.outbox.drain();
    expect(api.requests.length).toBe(sent);
  });

  it('turns a stock change into the product page paths', async () => {
    const product = await t.database.db.selectFrom('product').select('id').where('slug', '=', 'ridge-stoneware-mug').executeTakeFirstOrThrow();
    await t.database.db.transaction().execute(async (trx) => t.catalogChanges.onLevelsChanged(trx, [product.id]));
    await t.outbox.drain();
    expect(api.requests.at(-1)!.paths).toContain('/p/ridge-stoneware-mug*');
  });
});

describe('with no CDN (the local default)', () => {
  it('writes no CDN job at all', async () => {
    const t = await createTestApp();
    try {
      await t.database.db.transaction().execute(async (trx) => t.catalogChanges.listener(trx, { productIds: [], categoryIds: [], collectionIds: [], paths: ['/c/apparel'] }));
      const jobs = await t.database.db.selectFrom('outbox_job').select('type').where('type', '=', cdnInvalidateJob).execute();
      expect(jobs).toEqual([]);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(process.env.REDIS_URL || hasRedisServer)('two instances sharing the database and Redis', () => {
  let redis: PrivateRedis | undefined;
  let a: TestApp;
  let b: TestApp;
  const recorded: string[][] = [];
  const recordingCdn: CdnInvalidator = { kind: 'cloudfront', invalidate: async (paths) => void recorded.push([...paths]) };

  beforeAll(async () => {
    const url = process.env.REDIS_URL ?? (redis = await startPrivateRedis()).url;
    const env = { CATALOG_CACHE_TTL_MS: '600000', REDIS_URL: url, REDIS_PREFIX: `test:${randomBytes(6).toString('hex')}:` };
    a = await createTestApp(env, { cdn: recordingCdn });
    b = await createTestApp(env, { database: a.database, keyRing: a.keyRing, cdn: recordingCdn });
    await Promise.all([a.app.ready(), b.app.ready()]);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await redis?.stop();
  });

  it('instance B serves the new value once A ran the job, long before its TTL', async () => {
    const page = async (app: TestApp) => (await app.app.inject({ url: '/p/fig-and-cedar-soy-candle', headers: { accept: 'text/html' } })).body;
    expect(await page(b)).toContain('Fig and Cedar Soy Candle');
    await a.database.db.transaction().execute(async (trx) => {
      const { id } = await trx.updateTable('product').set({ name: 'Fig and Cedar Candle, Large' }).where('slug', '=', 'fig-and-cedar-soy-candle').returning('id').executeTakeFirstOrThrow();
      await a.catalogChanges.listener(trx, { productIds: [id], categoryIds: [], collectionIds: [], paths: ['/p/fig-and-cedar-soy-candle'] });
    });
    // Committed, but B's copy holds for ten minutes unless it is told.
    expect(await page(b)).not.toContain('Fig and Cedar Candle, Large');
    await a.outbox.drain();
    await vi.waitFor(async () => expect(await page(b)).toContain('Fig and Cedar Candle, Large'), { timeout: 10_000, interval: 50 });
    expect(await page(a)).toContain('Fig and Cedar Candle, Large');
    expect(recorded.at(-1)).toContain('/p/fig-and-cedar-soy-candle*');
  });
});
