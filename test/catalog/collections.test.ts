import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * Collections over HTTP: hand-picked (ordered products by slug or SKU) and rule-based, Markdown
 * descriptions sanitised, the public definitions of published ones, slug redirects, the definitions the
 * search indexer reads, and refusals that change nothing.
 */
let t: TestApp;
let manager: SignedInStaff;
let support: SignedInStaff;
let products: { id: string; slug: string; sku: string }[];
let categoryId: string;

interface AdminCollection {
  id: string;
  slug: string;
  title: string;
  kind: string;
  descriptionHtml: string;
  rules: { match: string; rules: { field: string; op: string; value: unknown }[] };
  products: { id: string; slug: string }[];
  published: boolean;
}

const api = (who: SignedInStaff, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function create(body: Record<string, unknown>): Promise<AdminCollection> {
  const res = await api(manager, 'POST', '/api/v1/admin/catalog/collections', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<AdminCollection>();
}

const list = async () => (await api(manager, 'GET', '/api/v1/admin/catalog/collections')).json<{ items: AdminCollection[] }>().items;

beforeAll(async () => {
  t = await createTestApp();
  manager = await createSignedInStaff(t, 'catalog_manager');
  support = await createSignedInStaff(t, 'support');
  products = await t.database.db
    .selectFrom('product as p')
    .innerJoin('product_variant as v', 'v.product_id', 'p.id')
    .distinctOn('p.slug')
    .select(['p.id', 'p.slug', 'v.sku'])
    .orderBy('p.slug')
    .limit(3)
    .execute();
  categoryId = (await t.database.db.selectFrom('category').select('id').limit(1).executeTakeFirstOrThrow()).id;
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('collections', () => {
  it('keeps a hand-picked collection in the order given (by slug or SKU), and hands the indexer its definition', async () => {
    const [a, b, c] = products as [(typeof products)[0], (typeof products)[0], (typeof products)[0]];
    const made = await create({ title: 'Gift Guide', kind: 'manual', products: [c.slug, a.sku, b.slug], published: true });
    expect(made).toMatchObject({ slug: 'gift-guide', kind: 'manual', published: true });
    expect(made.products.map((p) => p.id)).toEqual([c.id, a.id, b.id]);

    const definitions = await t.collections.collectionDefinitions();
    expect(definitions.find((d) => d.id === made.id)).toEqual({ id: made.id, slug: 'gift-guide', kind: 'manual', rules: { match: 'all', rules: [] }, productIds: [c.id, a.id, b.id], published: true });

    const unknown = await api(manager, 'POST', '/api/v1/admin/catalog/collections', { title: 'Ghosts', kind: 'manual', products: [a.slug, 'no-such-product'] });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ code: 'CATALOG_COLLECTION_UNKNOWN_PRODUCTS' });
    expect((await list()).some((x) => x.title === 'Ghosts')).toBe(false);
  });

  it('stores rule-based collections (category, tag, price in minor units, on sale) and refuses rules of the wrong shape', async () => {
    const rules = {
      match: 'any',
      rules: [
        { field: 'category', op: 'eq', value: categoryId },
        { field: 'tag', op: 'eq', value: 'linen' },
        { field: 'price', op: 'lte', value: 2500 },
        { field: 'on_sale', op: 'eq', value: true },
      ],
    };
    const made = await create({ title: 'Under 25', kind: 'rule', rules });
    expect(made.rules).toEqual(rules);
    const definition = (await t.collections.collectionDefinitions()).find((d) => d.id === made.id);
    expect(definition).toMatchObject({ kind: 'rule', rules, productIds: [], published: false });

    for (const bad of [
      { match: 'all', rules: [{ field: 'price', op: 'eq', value: 2500 }] },
      { match: 'all', rules: [{ field: 'price', op: 'lt', value: 25.5 }] },
      { match: 'all', rules: [{ field: 'colour', op: 'eq', value: 'red' }] },
      { match: 'some', rules: [] },
    ]) {
      const res = await api(manager, 'POST', '/api/v1/admin/catalog/collections', { title: 'Bad rules', kind: 'rule', rules: bad });
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    const noCategory = await api(manager, 'POST', '/api/v1/admin/catalog/collections', {
      title: 'Bad rules',
      kind: 'rule',
      rules: { match: 'all', rules: [{ field: 'category', op: 'eq', value: '7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60' }] },
    });
    expect(noCategory.json()).toMatchObject({ code: 'CATALOG_COLLECTION_INVALID_RULES' });
    expect((await list()).some((x) => x.title === 'Bad rules')).toBe(false);
  });

  it('renders the Markdown description to sanitised HTML: no script, no raw HTML, no javascript: link', async () => {
    const made = await create({
      title: 'Safe Words',
      kind: 'manual',
      description: '**Soft** linen\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[click](javascript:alert(1)) and [ok](https://example.com)',
    });
    expect(made.descriptionHtml).toContain('<strong>Soft</strong>');
    // Raw HTML stays text, shown but never run; a javascript: link is not a link.
    expect(made.descriptionHtml).not.toMatch(/<script|<img|href="javascript/i);
    expect(made.descriptionHtml).toContain('&lt;script&gt;');
    expect(made.descriptionHtml).toContain('href="https://example.com"');
  });

  it('shows only published collections in the public API, and answers an old slug with 301 after a slug change', async () => {
    const hidden = await create({ title: 'Secret Sale', kind: 'manual' });
    const shown = await create({ title: 'Summer', kind: 'manual', description: 'Light things', published: true });
    const publicList = (await t.app.inject({ url: '/api/v1/collections' })).json<{ items: { slug: string }[] }>().items.map((c) => c.slug);
    expect(publicList).toContain('summer');
    expect(publicList).not.toContain('secret-sale');
    expect((await t.app.inject({ url: '/api/v1/collections/secret-sale' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/v1/collections/summer' })).json()).toMatchObject({ slug: 'summer', title: 'Summer', descriptionHtml: expect.stringMatching(/^<p>Light things<\/p>\s*$/) as unknown, seoTitle: '', seoDescription: '' });

    const renamed = await api(manager, 'PATCH', `/api/v1/admin/catalog/collections/${shown.id}`, { slug: 'summer-2027' });
    expect(renamed.statusCode).toBe(200);
    const old = await t.app.inject({ url: '/api/v1/collections/summer' });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/api/v1/collections/summer-2027');
    const [event] = await t.audit.listForTarget('collection', shown.id, 1);
    expect(event).toMatchObject({ action: 'collection.update', actorId: manager.userId });
    expect(JSON.parse(event!.changes!)).toMatchObject({ slug: { before: 'summer', after: 'summer-2027' } });
    expect(hidden.published).toBe(false);
  });

  it('refuses a staff member without catalog.write with 403 and its code, changing nothing; bad input 400', async () => {
    const target = await create({ title: 'Guarded', kind: 'manual' });
    const before = await list();
    for (const res of [
      await api(support, 'POST', '/api/v1/admin/catalog/collections', { title: 'Intruder', kind: 'manual' }),
      await api(support, 'PATCH', `/api/v1/admin/catalog/collections/${target.id}`, { published: true }),
      await api(support, 'DELETE', `/api/v1/admin/catalog/collections/${target.id}`),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'STAFF_ACCESS_DENIED' });
    }
    for (const body of [{ title: 'X', kind: 'manual', position: 3 }, { title: 'X', kind: 'smart' }, { kind: 'manual' }]) {
      expect((await api(manager, 'POST', '/api/v1/admin/catalog/collections', body)).statusCode, JSON.stringify(body)).toBe(400);
    }
    expect((await api(manager, 'PATCH', `/api/v1/admin/catalog/collections/${target.id}`, {})).statusCode).toBe(400);
    expect(await list()).toEqual(before);

    expect((await api(manager, 'DELETE', `/api/v1/admin/catalog/collections/${target.id}`)).statusCode).toBe(204);
    expect((await list()).some((c) => c.id === target.id)).toBe(false);
  });
});

describe('collection pages', () => {
  it('creates a rule-based collection from the form (category by slug, price typed as 25.00) and shows it again', async () => {
    const b = new FormBrowser(t.app);
    for (const [k, v] of manager.cookie.split('; ').map((c) => c.split('=') as [string, string])) b.cookies.set(k, v);
    const category = await t.database.db.selectFrom('category').select(['id', 'slug']).where('id', '=', categoryId).executeTakeFirstOrThrow();
    await b.get('/admin/collections/new');
    const bad = await b.post('/admin/collections', { title: 'Cheap', kind: 'rule', match: 'all', rule0Field: 'price', rule0Op: 'lt', rule0Value: 'cheap' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('enter the price like 25.00');
    const made = await b.post('/admin/collections', {
      title: 'Cheap Kitchen',
      kind: 'rule',
      match: 'all',
      published: 'on',
      rule0Field: 'category',
      rule0Op: 'eq',
      rule0Value: category.slug,
      rule1Field: 'price',
      rule1Op: 'lt',
      rule1Value: '25.00',
    });
    expect(made.statusCode).toBe(303);
    const id = /\/admin\/collections\/([0-9a-f-]{36})/.exec(made.headers.location!)![1]!;
    const stored = (await api(manager, 'GET', `/api/v1/admin/catalog/collections/${id}`)).json<AdminCollection>();
    expect(stored).toMatchObject({ kind: 'rule', published: true, rules: { match: 'all', rules: [{ field: 'category', op: 'eq', value: category.id }, { field: 'price', op: 'lt', value: 2500 }] } });
    const edit = await b.get(made.headers.location!);
    expect(edit.body).toContain('Collection created.');
    expect(edit.body).toContain('value="25.00"');
    const listPage = await b.get('/admin/collections');
    expect(listPage.body).toContain('Cheap Kitchen');
  });
});
