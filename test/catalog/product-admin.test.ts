import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { FormBrowser } from '../support/form-browser.js';

/**
 * The product write side over HTTP, as staff use it: the staff API and the back-office forms, slugs and
 * their redirects, Markdown sanitising, the price permission and the audit trail.
 */
let t: TestApp;
let manager: SignedInStaff;
let editor: SignedInStaff;
let support: SignedInStaff;
let categoryId: string;
let otherCategoryId: string;

const api = (who: SignedInStaff, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

const base = '/api/v1/admin/catalog/products';
let n = 0;
const newProduct = (overrides: Record<string, unknown> = {}) => {
  n += 1;
  return {
    name: `Harbour Linen Shirt ${n}`,
    description: 'A relaxed shirt in **washed linen**.',
    categoryId,
    status: 'active',
    tags: ['linen', 'summer'],
    options: [{ name: 'Size', values: ['S', 'M'] }],
    variants: [
      { sku: `HLS-${n}-S`, options: { Size: 'S' }, price: 5500, compareAt: 6500, weightGrams: 240, barcode: '5012345678900', initialStock: 7 },
      { sku: `HLS-${n}-M`, options: { Size: 'M' }, price: 5500, initialStock: 0 },
    ],
    ...overrides,
  };
};

interface Product {
  id: string;
  slug: string;
  name: string;
  status: string;
  description: string;
  descriptionHtml: string;
  variants: { id: string; sku: string; price: number; compareAt: number | null; title: string }[];
}

beforeAll(async () => {
  t = await createTestApp();
  [manager, editor, support] = [await createSignedInStaff(t, 'catalog_manager'), await createSignedInStaff(t, 'content_editor'), await createSignedInStaff(t, 'support')];
  const categories = (await t.app.inject({ url: '/api/v1/categories' })).json<{ items: { id: string }[] }>().items;
  categoryId = categories[0]!.id;
  otherCategoryId = categories[1]!.id;
});
afterAll(async () => t?.close());

describe('creating, editing and archiving products through the staff API', () => {
  it('creates a product with options and variants, opens their stock, and shows it in the shop', async () => {
    const res = await api(manager, 'POST', base, newProduct({ name: 'Harbour Linen Shirt' }));
    expect(res.statusCode).toBe(201);
    const product = res.json<Product>();
    expect(product.slug).toBe('harbour-linen-shirt');
    expect(product.variants.map((v) => [v.sku, v.title, v.price, v.compareAt])).toEqual([
      [`HLS-${n}-S`, 'S', 5500, 6500],
      [`HLS-${n}-M`, 'M', 5500, null],
    ]);
    const shop = await t.app.inject({ url: `/api/v1/products/${product.slug}` });
    expect(shop.statusCode).toBe(200);
    const stock = shop.json<{ variants: { sku: string; available: number }[] }>().variants.map((v) => [v.sku, v.available]);
    expect(stock).toEqual([
      [`HLS-${n}-S`, 7],
      [`HLS-${n}-M`, 0],
    ]);
    const page = await t.app.inject({ url: `/p/${product.slug}` });
    expect(page.body).toContain('<strong>washed linen</strong>');
  });

  it('makes a free slug from the name when two products share a name', async () => {
    const a = (await api(manager, 'POST', base, newProduct({ name: 'Twin Name Candle' }))).json<Product>();
    const b = (await api(manager, 'POST', base, newProduct({ name: 'Twin Name Candle' }))).json<Product>();
    expect([a.slug, b.slug]).toEqual(['twin-name-candle', 'twin-name-candle-2']);
  });

  it('edits a product and records the values before and after in the audit trail, in the same change', async () => {
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const res = await api(manager, 'PATCH', `${base}/${created.id}`, { name: 'Harbour Linen Shirt, Sand', categoryId: otherCategoryId, variants: [{ id: created.variants[0]!.id, sku: created.variants[0]!.sku, options: { Size: 'S' }, price: 4900 }] });
    expect(res.statusCode).toBe(200);
    const updated = res.json<Product>();
    expect(updated.name).toBe('Harbour Linen Shirt, Sand');
    expect(updated.variants.map((v) => [v.sku, v.price])).toEqual([[created.variants[0]!.sku, 4900]]);
    const events = await t.audit.listForTarget('product', created.id);
    expect(events.map((e) => e.action)).toEqual(['product.update', 'product.create']);
    const changes = JSON.parse(events[0]!.changes!) as Record<string, { before: unknown; after: unknown }>;
    expect(changes.name).toEqual({ before: created.name, after: 'Harbour Linen Shirt, Sand' });
    expect(changes.categoryId).toEqual({ before: categoryId, after: otherCategoryId });
    expect(JSON.stringify(changes.variants?.before)).toContain('"price":5500');
    expect(JSON.stringify(changes.variants?.after)).toContain('"price":4900');
    expect(events[0]).toMatchObject({ actorId: manager.userId, actorRole: 'catalog_manager', outcome: 'success' });
  });

  it('archives a product: it leaves the shop and the change is audited', async () => {
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const res = await api(manager, 'POST', `${base}/${created.id}/archive`, {});
    expect([res.statusCode, res.json<Product>().status]).toEqual([200, 'archived']);
    expect((await t.app.inject({ url: `/api/v1/products/${created.slug}` })).statusCode).toBe(404);
    expect((await t.audit.listForTarget('product', created.id))[0]).toMatchObject({ action: 'product.archive' });
  });

  it('changes the status of several products at once', async () => {
    const a = (await api(manager, 'POST', base, newProduct({ status: 'draft' }))).json<Product>();
    const b = (await api(manager, 'POST', base, newProduct({ status: 'draft' }))).json<Product>();
    const res = await api(manager, 'POST', `${base}/status`, { ids: [a.id, b.id], status: 'active' });
    expect(res.json()).toEqual({ changed: [a.id, b.id].sort(), unchanged: [], unknown: [] });
    for (const p of [a, b]) expect((await api(manager, 'GET', `${base}/${p.id}`)).json<Product>().status).toBe('active');
  });

  it('lists products with a search over names and SKUs and a status filter', async () => {
    const created = (await api(manager, 'POST', base, newProduct({ name: 'Quillon Pepper Grinder', status: 'draft' }))).json<Product>();
    const byName = (await api(manager, 'GET', `${base}?q=quillon`)).json<{ items: { id: string }[]; total: number }>();
    expect(byName.items.map((i) => i.id)).toEqual([created.id]);
    const bySku = (await api(manager, 'GET', `${base}?q=${encodeURIComponent(created.variants[1]!.sku.toLowerCase())}`)).json<{ items: { id: string }[] }>();
    expect(bySku.items.map((i) => i.id)).toEqual([created.id]);
    const active = (await api(manager, 'GET', `${base}?q=quillon&status=active`)).json<{ total: number }>();
    expect(active.total).toBe(0);
  });

  it('refuses unknown fields, a compare-at price not above the price, and a SKU another product uses, changing nothing', async () => {
    const before = await t.audit.count();
    const unknown = await api(manager, 'POST', base, { ...newProduct(), colour: 'red' });
    expect([unknown.statusCode, unknown.json<{ code: string }>().code]).toEqual([400, 'VALIDATION_FAILED']);
    const compare = await api(manager, 'POST', base, newProduct({ variants: [{ sku: 'CMP-1', options: { Size: 'S' }, price: 5000, compareAt: 5000 }] }));
    expect([compare.statusCode, compare.json<{ code: string; errors: { field: string }[] }>().code]).toEqual([400, 'CATALOG_PRODUCT_INVALID']);
    expect(compare.json<{ errors: { field: string }[] }>().errors.map((e) => e.field)).toEqual(['variants.0.compareAt']);
    const taken = await api(manager, 'POST', base, newProduct({ variants: [{ sku: 'ORGANIC-COTTON-TEE-WHITE-XS', options: { Size: 'S' }, price: 5000 }] }));
    expect([taken.statusCode, taken.json<{ code: string }>().code]).toEqual([400, 'CATALOG_PRODUCT_INVALID']);
    expect(await t.audit.count()).toBe(before);
  });
});

describe('slugs', () => {
  it('answers 301 from every old slug, for the page and the API, to the current one', async () => {
    const created = (await api(manager, 'POST', base, newProduct({ slug: 'first-slug-shirt' }))).json<Product>();
    await api(manager, 'PATCH', `${base}/${created.id}`, { slug: 'second-slug-shirt' });
    await api(manager, 'PATCH', `${base}/${created.id}`, { slug: 'third-slug-shirt' });
    for (const old of ['first-slug-shirt', 'second-slug-shirt']) {
      const page = await t.app.inject({ url: `/p/${old}?image=2` });
      expect([page.statusCode, page.headers.location]).toEqual([301, '/p/third-slug-shirt?image=2']);
      const json = await t.app.inject({ url: `/api/v1/products/${old}` });
      expect([json.statusCode, json.headers.location]).toEqual([301, '/api/v1/products/third-slug-shirt']);
    }
    expect((await t.app.inject({ url: '/p/third-slug-shirt' })).statusCode).toBe(200);
  });

  it('drops the redirect of a slug that is taken again', async () => {
    const a = (await api(manager, 'POST', base, newProduct({ slug: 'wandering-slug' }))).json<Product>();
    await api(manager, 'PATCH', `${base}/${a.id}`, { slug: 'wandered-slug' });
    expect((await t.app.inject({ url: '/p/wandering-slug' })).statusCode).toBe(301);
    const b = (await api(manager, 'POST', base, newProduct({ slug: 'wandering-slug' }))).json<Product>();
    const page = await t.app.inject({ url: '/p/wandering-slug' });
    expect(page.statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/v1/products/wandering-slug' })).json<{ id: string }>().id).toBe(b.id);
  });

  it('refuses a slug another product uses', async () => {
    const res = await api(manager, 'POST', base, newProduct({ slug: 'organic-cotton-tee' }));
    expect([res.statusCode, res.json<{ code: string }>().code]).toEqual([409, 'CATALOG_SLUG_TAKEN']);
  });
});

describe('Markdown descriptions', () => {
  it('renders Markdown once on write and strips a script tag, a javascript: link, an on* attribute and raw HTML', async () => {
    const description = [
      '## Care',
      '',
      'Wash **cold**. [Guide](https://example.com/care) and [mail](mailto:care@example.com).',
      '',
      '<script>alert(1)</script>',
      '',
      '[click](javascript:alert(document.cookie))',
      '',
      '<img src=x onerror="alert(2)"> <a href="https://evil.example" onclick="steal()">x</a>',
      '',
      '<div style="position:fixed">overlay</div>',
    ].join('\n');
    const product = (await api(manager, 'POST', base, newProduct({ description }))).json<Product>();
    const html = product.descriptionHtml;
    expect(html).toContain('<h2>Care</h2>');
    expect(html).toContain('<a href="https://example.com/care" rel="nofollow noopener">Guide</a>');
    expect(html).toContain('<a href="mailto:care@example.com" rel="nofollow noopener">mail</a>');
    // Every element left is on the allowlist, and none carries an event attribute or a script link.
    const tags = html.match(/<[a-z][^>]*>/gi) ?? [];
    expect(tags.filter((tag) => !/^<(h2|p|strong|a)[\s>]/.test(tag))).toEqual([]);
    expect(tags.filter((tag) => /\son[a-z]+=|javascript:|style=/i.test(tag))).toEqual([]);
    // Raw HTML is shown as text, so nothing of it runs.
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const page = await t.app.inject({ url: `/p/${product.slug}` });
    expect(page.body).toContain('<h2>Care</h2>');
    expect(page.body).not.toContain('<script>alert(1)');
    expect(page.body).not.toMatch(/<img[^>]*onerror/);
    expect(page.body).toContain('&lt;img src=x onerror=');
  });

  it('still shows the demo descriptions', async () => {
    const page = await t.app.inject({ url: '/p/ridge-stoneware-mug' });
    expect(page.body).toContain('A generous 350 ml mug');
  });
});

describe('who may change what', () => {
  it('refuses a price change by a content editor with its own code, changing nothing, not even the other fields', async () => {
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const before = await t.audit.count();
    const v = created.variants[0]!;
    const res = await api(editor, 'PATCH', `${base}/${created.id}`, { name: 'Renamed by the editor', variants: [{ id: v.id, sku: v.sku, options: { Size: 'S' }, price: 100 }, { id: created.variants[1]!.id, sku: created.variants[1]!.sku, options: { Size: 'M' }, price: 5500 }] });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ status: 403, code: 'CATALOG_PRICE_PERMISSION_REQUIRED' });
    const after = (await api(manager, 'GET', `${base}/${created.id}`)).json<Product>();
    expect(after).toEqual(created);
    expect(await t.audit.count()).toBe(before);
  });

  it('lets a content editor change words without prices', async () => {
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const res = await api(editor, 'PATCH', `${base}/${created.id}`, { description: 'Now in *sand*.', seoTitle: 'Harbour shirt' });
    expect(res.statusCode).toBe(200);
    expect(res.json<Product>().descriptionHtml).toBe('<p>Now in <em>sand</em>.</p>');
  });

  it('refuses a staff member without catalog.write with STAFF_ACCESS_DENIED, changing nothing', async () => {
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const countBefore = (await api(manager, 'GET', `${base}?limit=1`)).json<{ counts: { all: number } }>().counts.all;
    const patch = await api(support, 'PATCH', `${base}/${created.id}`, { name: 'Changed by support' });
    expect([patch.statusCode, patch.json<{ code: string }>().code]).toEqual([403, 'STAFF_ACCESS_DENIED']);
    const create = await api(support, 'POST', base, newProduct());
    expect([create.statusCode, create.json<{ code: string }>().code]).toEqual([403, 'STAFF_ACCESS_DENIED']);
    expect((await api(manager, 'GET', `${base}/${created.id}`)).json<Product>()).toEqual(created);
    expect((await api(manager, 'GET', `${base}?limit=1`)).json<{ counts: { all: number } }>().counts.all).toBe(countBefore);
    expect((await t.audit.listForTarget('permission', 'catalog.write')).filter((e) => e.actorId === support.userId).length).toBe(2);
  });
});

describe('the back-office pages', () => {
  async function browserFor(staff: SignedInStaff): Promise<FormBrowser> {
    const browser = new FormBrowser(t.app);
    const [name = '', value = ''] = staff.cookie.split('=');
    browser.cookies.set(name, value);
    return browser;
  }

  it('adds a product through the form, and shows errors beside their fields with the values kept', async () => {
    const browser = await browserFor(manager);
    await browser.get('/admin/products/new');
    const bad = await browser.post('/admin/products/new', { name: 'Salt Glaze Jug', description: 'A *jug*.', categoryId, status: 'active', 'o.0.name': 'Size', 'o.0.values': 'Small, Large', 'v.0.o0': 'Small', 'v.0.sku': 'SGJ-S', 'v.0.price': 'twelve', 'v.0.stock': '3' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#v.0.price"');
    expect(bad.body).toContain('value="Salt Glaze Jug"');
    expect(bad.body).toContain('value="twelve"');
    const good = await browser.post('/admin/products/new', { name: 'Salt Glaze Jug', description: 'A *jug*.', categoryId, status: 'active', 'o.0.name': 'Size', 'o.0.values': 'Small, Large', 'v.0.o0': 'Small', 'v.0.sku': 'SGJ-S', 'v.0.price': '32.50', 'v.0.stock': '3', 'v.1.o0': 'Large', 'v.1.sku': 'SGJ-L', 'v.1.price': '38', 'v.1.compareAt': '45.00' });
    expect(good.statusCode).toBe(303);
    const id = /\/admin\/products\/([0-9a-f-]{36})\?done=created/.exec(String(good.headers.location))?.[1];
    expect(id).toBeDefined();
    const product = (await api(manager, 'GET', `${base}/${id}`)).json<Product>();
    expect(product.variants.map((v) => [v.sku, v.price, v.compareAt])).toEqual([
      ['SGJ-S', 3250, null],
      ['SGJ-L', 3800, 4500],
    ]);
    const edit = await browser.get(`/admin/products/${id}?done=created`);
    expect(edit.body).toContain(`href="/admin/products/${id}/images"`);
    expect(edit.body).toContain(`href="/admin/inventory?product=${id}"`);
  });

  it('archives behind a confirmation page and changes status in bulk without JavaScript', async () => {
    const browser = await browserFor(manager);
    const created = (await api(manager, 'POST', base, newProduct())).json<Product>();
    const confirm = await browser.get(`/admin/products/${created.id}/archive`);
    expect(confirm.statusCode).toBe(200);
    const archived = await browser.post(`/admin/products/${created.id}/archive`, {});
    expect([archived.statusCode, archived.headers.location]).toEqual([303, '/admin/products?done=archived']);
    await browser.get('/admin/products');
    const bulk = await browser.post('/admin/products/status', { ids: created.id, status: 'draft' });
    expect(bulk.statusCode).toBe(303);
    expect((await api(manager, 'GET', `${base}/${created.id}`)).json<Product>().status).toBe('draft');
  });

  it('lists products with tabs, sortable headers and the range shown', async () => {
    const browser = await browserFor(manager);
    const page = await browser.get('/admin/products?sort=name&dir=asc');
    expect(page.statusCode).toBe(200);
    expect(page.body).toMatch(/aria-sort="ascending"/);
    expect(page.body).toMatch(/1–50 of [\d,]+/);
    expect(page.body).toContain('aria-current="page"');
    const none = await browser.get('/admin/products?q=zzzz-nothing-like-this');
    expect(none.body).toContain('No products match');
  });

  it('imports a CSV file uploaded through the import page, and lists its problems by row when it has any', async () => {
    const browser = await browserFor(manager);
    const upload = async (csv: string) => {
      await browser.get('/admin/products/import');
      const token = /name="_csrf" value="([^"]+)"/.exec(browser.lastPage)![1]!;
      const form = new FormData();
      form.set('_csrf', token);
      form.set('file', new Blob([csv], { type: 'text/csv' }), 'products.csv');
      const encoded = new Response(form);
      return t.app.inject({
        method: 'POST',
        url: '/admin/products/import',
        headers: { ...browser.cookieHeader, accept: 'text/html', 'content-type': encoded.headers.get('content-type')! },
        payload: Buffer.from(await encoded.arrayBuffer()),
      });
    };
    const header = 'slug,name,status,category,option1_name,option1_value,sku,price';
    const bad = await upload([header, 'uploaded-lamp,Uploaded Lamp,active,home-living,Colour,Brass,UL-BRASS,not a price'].join('\n'));
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('nothing was imported');
    expect(bad.body).toMatch(/<td class="num tabular">2<\/td><td><code>price<\/code><\/td>/);
    const good = await upload([header, 'uploaded-lamp,Uploaded Lamp,active,home-living,Colour,Brass,UL-BRASS,42.00'].join('\n'));
    expect(good.statusCode).toBe(200);
    expect(good.body).toContain('Imported: 1 new product');
    expect((await t.app.inject({ url: '/api/v1/products/uploaded-lamp' })).statusCode).toBe(200);
  });
});
