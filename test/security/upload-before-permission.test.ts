import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { formSession, jpegOf, multipart, type FormSession } from '../support/uploads.js';

/**
 * An upload body is held in memory whole (up to MEDIA_MAX_BYTES), so it must be read only for someone
 * who may upload: otherwise any visitor holding the form token every page hands out could make the
 * server buffer MEDIA_MAX_BYTES per request before the route's guard said no.
 */
const maxBytes = 512 * 1024;
let t: TestApp;
let productId: string;
let visitor: FormSession;
let editor: FormSession;
let editorId: string;
let auditor: FormSession;

/** A request body that counts how much of it the server has pulled. */
function counted(payload: Buffer): { stream: Readable; read: () => number } {
  let sent = 0;
  const chunk = 16 * 1024;
  const stream = new Readable({
    read() {
      if (sent >= payload.length) return void this.push(null);
      const next = payload.subarray(sent, sent + chunk);
      sent += next.length;
      this.push(next);
    },
  });
  return { stream, read: () => sent };
}

async function anonymousForm(): Promise<FormSession> {
  const page = await t.app.inject({ url: '/account/sign-in', headers: { accept: 'text/html' } });
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (token === undefined) throw new Error('no form token on the sign-in page');
  return { token, cookie: [page.headers['set-cookie'] ?? []].flat().map((c) => c.split(';')[0]!).join('; ') };
}

beforeAll(async () => {
  t = await createTestApp({ MEDIA_MAX_BYTES: String(maxBytes) });
  productId = (await t.catalog.listProducts({ limit: 1, offset: 0 })).items[0]!.id;
  visitor = await anonymousForm();
  const editorStaff = await createSignedInStaff(t, 'content_editor');
  editorId = editorStaff.userId;
  editor = await formSession(t, editorStaff.cookie);
  auditor = await formSession(t, (await createSignedInStaff(t, 'auditor')).cookie);
});
afterAll(async () => {
  await t?.close();
});

describe('an upload from someone who may not upload is refused before its body is read', () => {
  const routes = () => [`/api/v1/admin/catalog/products/${productId}/images`, '/api/v1/admin/media/images'];
  const file = () => Buffer.alloc(maxBytes - 1024, 0x41);

  it('a visitor with the anonymous form token: 401, the body left unread', async () => {
    for (const url of routes()) {
      const body = multipart({ _csrf: visitor.token, alt: 'x' }, [{ filename: 'a.jpg', contentType: 'image/jpeg', body: file() }]);
      const sent = counted(body.payload);
      const res = await t.app.inject({ method: 'POST', url, payload: sent.stream, headers: { cookie: visitor.cookie, 'content-type': body.contentType, 'content-length': String(body.payload.length) } });
      expect(res.statusCode, url).toBe(401);
      expect(res.json<{ code: string }>().code).toBe('AUTH_SIGN_IN_REQUIRED');
      expect(sent.read(), url).toBeLessThan(body.payload.length / 2);
    }
  });

  it('a staff member without catalog.write: 403, the body left unread', async () => {
    for (const url of routes()) {
      const body = multipart({ alt: 'x' }, [{ filename: 'a.jpg', contentType: 'image/jpeg', body: file() }]);
      const sent = counted(body.payload);
      const res = await t.app.inject({ method: 'POST', url, payload: sent.stream, headers: { cookie: auditor.cookie, 'x-csrf-token': auditor.token, 'content-type': body.contentType, 'content-length': String(body.payload.length) } });
      expect(res.statusCode, url).toBe(403);
      expect(res.json<{ code: string }>().code).toBe('STAFF_ACCESS_DENIED');
      expect(sent.read(), url).toBeLessThan(body.payload.length / 2);
    }
    const images = await t.app.inject({ url: `/api/v1/admin/catalog/products/${productId}/images`, headers: { cookie: editor.cookie } });
    expect(images.statusCode).toBe(200);
  });

  it('someone who may upload still uploads, and still needs the form token', async () => {
    const body = multipart({ alt: 'A test photo' }, [{ filename: 'a.jpg', contentType: 'image/jpeg', body: await jpegOf(64, 48) }]);
    const noToken = await t.app.inject({ method: 'POST', url: '/api/v1/admin/media/images', payload: body.payload, headers: { cookie: editor.cookie, 'content-type': body.contentType } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json<{ code: string }>().code).toBe('CSRF_REJECTED');
    const ok = await t.app.inject({ method: 'POST', url: '/api/v1/admin/media/images', payload: body.payload, headers: { cookie: editor.cookie, 'x-csrf-token': editor.token, 'content-type': body.contentType } });
    expect(ok.statusCode).toBe(201);
  });

  it('an image stored through the media API is on the audit trail: who stored which key', async () => {
    const body = multipart({ alt: 'An unattached image' }, [{ filename: 'b.jpg', contentType: 'image/jpeg', body: await jpegOf(72, 40) }]);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/media/images', payload: body.payload, headers: { cookie: editor.cookie, 'x-csrf-token': editor.token, 'content-type': body.contentType } });
    expect(res.statusCode).toBe(201);
    const { key } = res.json<{ key: string }>();
    const events = await t.database.db.selectFrom('audit_event').selectAll().where('action', '=', 'media.image.upload').where('target_id', '=', key).execute();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_type: 'staff', actor_id: editorId, actor_role: 'content_editor', target_type: 'media' });
  });
});

describe('a CSV import from someone who may not import is refused before its body is read', () => {
  const csv = () => Buffer.from(`slug,name,sku,price\r\n${'a-product,A product,SKU-1,1.00\r\n'.repeat(40_000)}`);

  it('the staff API (text/csv) and the import page (multipart): 401 for a visitor, 403 without catalog.write, the body left unread', async () => {
    const attempts = [
      { who: visitor, status: 401, code: 'AUTH_SIGN_IN_REQUIRED' },
      { who: auditor, status: 403, code: 'STAFF_ACCESS_DENIED' },
    ];
    for (const { who, status, code } of attempts) {
      const plain = csv();
      const sentPlain = counted(plain);
      const api = await t.app.inject({ method: 'POST', url: '/api/v1/admin/catalog/products/import', payload: sentPlain.stream, headers: { cookie: who.cookie, 'content-type': 'text/csv', 'content-length': String(plain.length) } });
      expect(api.statusCode).toBe(status);
      expect(api.json<{ code: string }>().code).toBe(code);
      expect(sentPlain.read()).toBeLessThan(plain.length / 2);

      const form = multipart({ _csrf: who.token }, [{ filename: 'products.csv', contentType: 'text/csv', body: csv() }]);
      const sentForm = counted(form.payload);
      const page = await t.app.inject({ method: 'POST', url: '/admin/products/import', payload: sentForm.stream, headers: { cookie: who.cookie, 'content-type': form.contentType, 'content-length': String(form.payload.length) } });
      expect(page.statusCode).toBe(status);
      expect(sentForm.read()).toBeLessThan(form.payload.length / 2);
    }
    expect((await t.app.inject({ url: '/api/v1/products/a-product' })).statusCode).toBe(404);
  });

  it('a catalog editor still imports', async () => {
    const categories = (await t.app.inject({ url: '/api/v1/categories' })).json<{ items: { slug: string }[] }>().items;
    const manager = await formSession(t, (await createSignedInStaff(t, 'catalog_manager')).cookie);
    const res = await t.app.inject({ method: 'POST', url: '/api/v1/admin/catalog/products/import', payload: `slug,name,category,status,sku,price\r\nreview-import-jug,Review Jug,${categories[0]!.slug},active,RIJ-1,12.00\r\n`, headers: { cookie: manager.cookie, 'content-type': 'text/csv' } });
    expect(res.statusCode).toBe(200);
    expect(res.json<{ created: number }>().created).toBe(1);
  });
});
