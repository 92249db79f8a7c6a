import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { formSession, hasGpsTag, jpegOf, pngBomb, postUpload, type FormSession } from '../support/uploads.js';

/**
 * The upload pipeline over HTTP, against an empty object store of the test's own, so "nothing stored" is
 * an empty folder. Limits as configured: MEDIA_MAX_BYTES 300 KB here (so an oversized file is small to
 * make), MEDIA_MAX_PIXELS at its default of 40 megapixels.
 */
const maxBytes = 300 * 1024;
let t: TestApp;
let root: string;
let owner: FormSession;
let productId: string;
let productSlug: string;
/** The demo product's images before any upload. */
let baseline: number;

const api = () => `/api/v1/admin/catalog/products/${productId}/images`;
const mediaApi = '/api/v1/admin/media/images';

async function storedFiles(): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(root.length + 1)).sort();
}
async function imageCount(): Promise<number> {
  const res = await t.app.inject({ url: api(), headers: { cookie: owner.cookie } });
  return res.json<{ images: unknown[] }>().images.length;
}

const svg = Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script><rect width="10" height="10"/></svg>');
const html = Buffer.from('<!doctype html><html><body><script>fetch("/api/v1/admin/me").then(r=>r.text()).then(alert)</script></body></html>');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'bastion-uploads-'));
  t = await createTestApp({ MEDIA_MAX_BYTES: String(maxBytes) }, { store: createLocalObjectStore(root) });
  owner = await formSession(t, (await createSignedInStaff(t, 'catalog_manager')).cookie);
  const first = (await t.catalog.listProducts({ limit: 1, offset: 0 })).items[0]!;
  productId = first.id;
  productSlug = first.slug;
  baseline = await imageCount();
});
afterAll(async () => {
  await t?.close();
});

describe('uploads refused, with nothing stored', () => {
  const refusals: { name: string; file: () => Promise<{ body: Buffer; filename: string; contentType: string }>; status: number; code: string }[] = [
    { name: 'an SVG (script inside), even declared as image/svg+xml', file: async () => ({ body: svg, filename: 'logo.svg', contentType: 'image/svg+xml' }), status: 415, code: 'MEDIA_UNSUPPORTED_TYPE' },
    { name: 'HTML renamed .jpg and declared image/jpeg', file: async () => ({ body: html, filename: 'photo.jpg', contentType: 'image/jpeg' }), status: 415, code: 'MEDIA_UNSUPPORTED_TYPE' },
    {
      name: 'an SVG/HTML polyglot behind a JPEG header (the signature of a JPEG, the body of a page)',
      file: async () => ({
        body: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0'), svg, html]),
        filename: 'polyglot.jpg',
        contentType: 'image/jpeg',
      }),
      status: 422,
      code: 'MEDIA_UNDECODABLE',
    },
    {
      name: 'a file larger than MEDIA_MAX_BYTES',
      file: async () => ({ body: Buffer.concat([await jpegOf(64, 64), Buffer.alloc(maxBytes)]), filename: 'big.jpg', contentType: 'image/jpeg' }),
      status: 413,
      code: 'MEDIA_TOO_LARGE',
    },
    { name: 'a pixel bomb (a PNG of a few KB declaring 30,000 x 30,000 pixels)', file: async () => ({ body: pngBomb(), filename: 'bomb.png', contentType: 'image/png' }), status: 422, code: 'MEDIA_TOO_MANY_PIXELS' },
    { name: 'a GIF (an image, but not one of the accepted types)', file: async () => ({ body: Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64'), filename: 'a.gif', contentType: 'image/gif' }), status: 415, code: 'MEDIA_UNSUPPORTED_TYPE' },
    { name: 'a truncated JPEG', file: async () => ({ body: (await jpegOf(400, 300)).subarray(0, 600), filename: 'cut.jpg', contentType: 'image/jpeg' }), status: 422, code: 'MEDIA_UNDECODABLE' },
  ];

  for (const r of refusals) {
    it(`refuses ${r.name}: ${r.status} ${r.code}, on the product API and the media API`, async () => {
      const file = await r.file();
      expect(file.body.length > maxBytes).toBe(r.status === 413);
      for (const url of [api(), mediaApi]) {
        const res = await postUpload(t, url, owner, { alt: 'x' }, [file]);
        expect(res.statusCode, `${url}: ${res.body}`).toBe(r.status);
        expect(res.headers['content-type']).toContain('application/problem+json');
        expect(res.json<{ code: string }>().code).toBe(r.code);
      }
      expect(await storedFiles()).toEqual([]);
      expect(await imageCount()).toBe(baseline);
    });
  }

  it('shows the refusal beside the upload form on the page, with the status, and keeps the alt text typed', async () => {
    const res = await postUpload(t, `/admin/products/${productId}/images`, owner, { alt: 'Kept alt text' }, [{ body: html, filename: 'photo.jpg', contentType: 'image/jpeg' }], { inForm: true, html: true });
    expect(res.statusCode).toBe(415);
    expect(res.body).toContain('There is a problem');
    expect(res.body).toContain('id="file-error"');
    expect(res.body).toContain('value="Kept alt text"');
    expect(await storedFiles()).toEqual([]);
  });

  it('refuses a form upload without its token (a cross-site form) before reading the file: 403 CSRF_REJECTED', async () => {
    const res = await postUpload(t, api(), { cookie: owner.cookie, token: '' }, {}, [{ body: await jpegOf(100, 100), filename: 'a.jpg', contentType: 'image/jpeg' }], { inForm: true });
    expect(res.statusCode).toBe(403);
    expect(res.json<{ code: string }>().code).toBe('CSRF_REJECTED');
    expect(await storedFiles()).toEqual([]);
    expect(await imageCount()).toBe(baseline);
  });

  it('refuses a staff member without catalog.write: 403 STAFF_ACCESS_DENIED, nothing stored', async () => {
    const orders = await formSession(t, (await createSignedInStaff(t, 'order_manager')).cookie);
    for (const url of [api(), mediaApi, `/admin/products/${productId}/images`]) {
      const res = await postUpload(t, url, orders, { alt: 'x' }, [{ body: await jpegOf(200, 100), filename: 'a.jpg', contentType: 'image/jpeg' }], { inForm: url.startsWith('/admin') });
      expect(res.statusCode, url).toBe(403);
      if (url.startsWith('/api/')) expect(res.json<{ code: string }>().code).toBe('STAFF_ACCESS_DENIED');
    }
    expect(await storedFiles()).toEqual([]);
    expect(await imageCount()).toBe(baseline);
  });

  it('still answers multipart with 415 on every route outside the upload routes', async () => {
    const res = await postUpload(t, '/api/v1/admin/staff/invitations', owner, { email: 'a@example.com', role: 'support' }, []);
    expect(res.statusCode).toBe(415);
    expect(res.json<{ code: string }>().code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const page = await postUpload(t, `/admin/products/${productId}/images/${productId}/alt`, owner, { alt: 'x' }, [], { inForm: true });
    expect(page.statusCode).toBe(415);
  });

  it('refuses two files in one upload, and a file in another field', async () => {
    const jpg = await jpegOf(100, 100);
    const two = await postUpload(t, api(), owner, {}, [{ body: jpg, filename: 'a.jpg', contentType: 'image/jpeg' }, { body: jpg, filename: 'b.jpg', contentType: 'image/jpeg' }]);
    expect([two.statusCode, two.json<{ code: string }>().code]).toEqual([400, 'MEDIA_BAD_UPLOAD']);
    const other = await postUpload(t, api(), owner, {}, [{ body: jpg, filename: 'a.jpg', contentType: 'image/jpeg', field: 'picture' }]);
    expect([other.statusCode, other.json<{ code: string }>().code]).toEqual([400, 'MEDIA_BAD_UPLOAD']);
    const none = await postUpload(t, api(), owner, { alt: 'no file' }, []);
    expect([none.statusCode, none.json<{ code: string }>().code]).toEqual([400, 'MEDIA_FILE_REQUIRED']);
    expect(await storedFiles()).toEqual([]);
  });
});

describe('uploads accepted', () => {
  it('never lets the client’s file name reach a path or key: ../../etc/passwd is stored under the content hash', async () => {
    const body = await jpegOf(500, 400);
    const res = await postUpload(t, mediaApi, owner, { alt: 'Traversal attempt' }, [{ body, filename: '../../etc/passwd', contentType: 'text/plain' }]);
    expect(res.statusCode).toBe(201);
    const { key } = res.json<{ key: string }>();
    const hash = (await import('node:crypto')).createHash('sha256').update(body).digest('hex');
    expect(key).toBe(`media/i/${hash}`);
    const files = await storedFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const f of files) expect(f).toMatch(new RegExp(`^media/i/${hash}/\\d+\\.(avif|webp)$`));
    expect(files.some((f) => f.includes('passwd') || f.includes('..'))).toBe(false);
  });

  it('strips EXIF and GPS and applies the orientation: no rendition carries any metadata or the original bytes', async () => {
    // 600 x 400 stored sideways (EXIF orientation 6: rotate 90° clockwise to view), with GPS and an owner.
    const original = await jpegOf(600, 400, { gps: true, orientation: 6 });
    const meta = await sharp(original).metadata();
    expect(meta.exif?.includes(Buffer.from('EXIF-SECRET-OWNER'))).toBe(true);
    expect(meta.exif?.includes(Buffer.from('Bastion Phone'))).toBe(true);
    expect(hasGpsTag(meta.exif)).toBe(true);
    expect(meta.orientation).toBe(6);

    const res = await postUpload(t, api(), owner, { alt: 'A red circle on green' }, [{ body: original, filename: 'IMG_0001.JPG', contentType: 'image/jpeg' }]);
    expect(res.statusCode, res.body).toBe(201);
    const { image } = res.json<{ image: { width: number; height: number; sources: { type: string; srcset: string }[] } }>();
    // Upright: the sideways 600 x 400 is shown 400 wide and 600 tall.
    expect([image.width, image.height]).toEqual([400, 600]);
    const urls = image.sources.flatMap((s) => s.srcset.split(', ').map((entry) => entry.split(' ')[0]!));
    expect(urls.length).toBe(4); // 320 and 400 wide, AVIF and WebP
    for (const url of urls) {
      const served = await t.app.inject({ url });
      expect(served.statusCode).toBe(200);
      const bytes = served.rawPayload;
      const m = await sharp(bytes).metadata();
      expect(m.exif, url).toBeUndefined();
      expect(m.xmp, url).toBeUndefined();
      expect(m.iptc, url).toBeUndefined();
      expect(m.orientation ?? 1, url).toBe(1);
      expect(m.height! > m.width!, url).toBe(true);
      for (const secret of ['EXIF-SECRET-OWNER', 'Bastion Phone', 'GPS']) expect(bytes.includes(Buffer.from(secret)), `${url} holds ${secret}`).toBe(false);
      expect(bytes.includes(original.subarray(0, 64))).toBe(false);
    }
  });

  it('stores responsive renditions in AVIF and WebP, capped at the original width, served immutable with nosniff, and the product page draws them', async () => {
    const res = await postUpload(t, api(), owner, { alt: 'Side view in daylight' }, [{ body: await jpegOf(1000, 800), filename: 'side.jpg', contentType: 'image/jpeg' }]);
    expect(res.statusCode, res.body).toBe(201);
    const added = res.json<{ id: string; alt: string; image: { url: string; width: number; height: number; sources: { type: string; srcset: string }[] } }>();
    expect(added.alt).toBe('Side view in daylight');
    expect([added.image.width, added.image.height]).toEqual([1000, 800]);
    expect(added.image.sources.map((s) => s.type)).toEqual(['image/avif', 'image/webp']);
    const key = /\/(media\/i\/[0-9a-f]{64})\//.exec(added.image.url)![1]!;
    for (const [i, format] of ['avif', 'webp'].entries()) {
      expect(added.image.sources[i]!.srcset).toBe([320, 640, 960, 1000].map((w) => `/${key}/${w}.${format} ${w}w`).join(', '));
    }
    for (const w of [320, 640, 960, 1000]) {
      for (const format of ['avif', 'webp']) {
        const served = await t.app.inject({ url: `/${key}/${w}.${format}` });
        expect(served.statusCode).toBe(200);
        expect(served.headers['content-type']).toBe(`image/${format}`);
        expect(served.headers['cache-control']).toBe('public, max-age=31536000, immutable');
        expect(served.headers['x-content-type-options']).toBe('nosniff');
        const m = await sharp(served.rawPayload).metadata();
        expect([m.format, m.width]).toEqual([format === 'avif' ? 'heif' : 'webp', w]);
      }
    }
    expect((await t.app.inject({ url: `/${key}/1280.webp` })).statusCode).toBe(404);

    const list = (await t.app.inject({ url: api(), headers: { cookie: owner.cookie } })).json<{ images: { id: string }[] }>();
    const n = list.images.findIndex((i) => i.id === added.id) + 1;
    const page = await t.app.inject({ url: `/p/${productSlug}${n > 1 ? `?image=${n}` : ''}` });
    const main = /<div class="gallery__main">([\s\S]*?)<\/div>/.exec(page.body)?.[1] ?? '';
    expect(main).toContain(`<source type="image/avif" srcset="${added.image.sources[0]!.srcset}"`);
    expect(main).toContain(`<source type="image/webp" srcset="${added.image.sources[1]!.srcset}"`);
    expect(main).toMatch(/<img src="\/media\/i\/[0-9a-f]{64}\/1000\.webp" alt="Side view in daylight" width="1000" height="800" loading="eager" decoding="async" fetchpriority="high"/);
  });

  it('edits alt text, reorders and removes through the page forms, auditing each change with before and after', async () => {
    const before = (await t.app.inject({ url: api(), headers: { cookie: owner.cookie } })).json<{ images: { id: string; alt: string }[] }>().images;
    expect(before.length).toBeGreaterThanOrEqual(2);
    const form = (fields: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', cookie: owner.cookie, payload: new URLSearchParams({ _csrf: owner.token, ...fields }).toString() });
    const post = (url: string, fields: Record<string, string>) => {
      const { payload, ...headers } = form(fields);
      return t.app.inject({ method: 'POST', url, headers: { ...headers, accept: 'text/html' }, payload });
    };
    const base = `/admin/products/${productId}/images`;
    const last = before[before.length - 1]!;

    const alt = await post(`${base}/${last.id}/alt`, { alt: '  Close-up   of the weave ' });
    expect([alt.statusCode, alt.headers.location]).toEqual([303, `${base}?done=saved`]);
    const emptyAlt = await post(`${base}/${last.id}/alt`, { alt: '   ' });
    expect(emptyAlt.statusCode).toBe(400);
    expect(emptyAlt.body).toContain(`id="alt-${last.id}-error"`);

    const moved = await post(`${base}/${last.id}/move`, { direction: 'up' });
    expect(moved.statusCode).toBe(303);
    const after = (await t.app.inject({ url: api(), headers: { cookie: owner.cookie } })).json<{ images: { id: string; alt: string; position: number }[] }>().images;
    expect(after.map((i) => i.id)).toEqual([...before.slice(0, -2).map((i) => i.id), last.id, before[before.length - 2]!.id]);
    expect(after.map((i) => i.position)).toEqual(after.map((_, i) => i));
    expect(after.find((i) => i.id === last.id)!.alt).toBe('Close-up of the weave');

    const confirm = await t.app.inject({ url: `${base}/${last.id}/remove`, headers: { cookie: owner.cookie, accept: 'text/html' } });
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Remove image');
    const removed = await post(`${base}/${last.id}/remove`, {});
    expect([removed.statusCode, removed.headers.location]).toEqual([303, `${base}?done=removed`]);
    expect(await imageCount()).toBe(before.length - 1);

    const events = await t.audit.listForTarget('product', productId, 50);
    const byAction = (a: string) => events.filter((e) => e.action === a).map((e) => JSON.parse(e.changes ?? '{}') as Record<string, { before: unknown; after: unknown }>);
    expect(byAction('product.image.update')[0]!.alt).toEqual({ before: last.alt, after: 'Close-up of the weave' });
    expect(byAction('product.image.move')[0]!.order!.after).toEqual(after.map((i) => i.id));
    expect(byAction('product.image.remove')[0]!.id).toEqual({ before: last.id, after: null });
    expect(byAction('product.image.add').length).toBeGreaterThanOrEqual(2);
  });

  it('answers the same bytes uploaded twice from the one stored set', async () => {
    const body = await jpegOf(300, 300);
    const first = await postUpload(t, mediaApi, owner, {}, [{ body, filename: 'a.jpg', contentType: 'image/jpeg' }]);
    const files = await storedFiles();
    const second = await postUpload(t, mediaApi, owner, {}, [{ body, filename: 'b.jpg', contentType: 'image/jpeg' }]);
    expect(second.json<{ key: string }>().key).toBe(first.json<{ key: string }>().key);
    expect(await storedFiles()).toEqual(files);
    void readFile;
  });
});
