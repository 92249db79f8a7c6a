import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCategoriesService } from '../../src/modules/catalog/index.js';
import type { CatalogChange } from '../../src/modules/catalog/index.js';
import { FormBrowser } from '../support/form-browser.js';
import { createSignedInStaff, type SignedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/**
 * The category tree over HTTP: create, move (no cycles, three levels at most), reorder, rename and change
 * the slug (the old one answers 301), delete only when empty (409 otherwise), each change audited; the
 * public tree; the storefront menu showing the top level only.
 */
let t: TestApp;
let manager: SignedInStaff;
let support: SignedInStaff;

interface AdminCategory {
  id: string;
  slug: string;
  name: string;
  parentId: string | null;
  depth: number;
  path: string[];
  position: number;
  productCount: number;
}

const api = (who: SignedInStaff, method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({ method, url, headers: { cookie: who.cookie }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) });

async function create(body: Record<string, unknown>): Promise<AdminCategory> {
  const res = await api(manager, 'POST', '/api/v1/admin/catalog/categories', body);
  expect(res.statusCode, res.body).toBe(201);
  return res.json<AdminCategory>();
}

const all = async () => (await api(manager, 'GET', '/api/v1/admin/catalog/categories')).json<{ items: AdminCategory[] }>().items;

beforeAll(async () => {
  t = await createTestApp();
  manager = await createSignedInStaff(t, 'catalog_manager');
  support = await createSignedInStaff(t, 'support');
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('categories as a tree', () => {
  it('nests a subcategory under its parent in the public tree, keeping the list fields, while the menu shows the top level only', async () => {
    const parent = await create({ name: 'Garden', description: 'Tools and pots' });
    const child = await create({ name: 'Watering Cans', parentId: parent.id });
    expect(child).toMatchObject({ slug: 'watering-cans', parentId: parent.id, depth: 2, path: ['Garden', 'Watering Cans'] });

    const tree = (await t.app.inject({ url: '/api/v1/categories' })).json<{ items: (AdminCategory & { description: string; children: AdminCategory[] })[] }>().items;
    const node = tree.find((c) => c.id === parent.id);
    expect(node).toMatchObject({ slug: 'garden', name: 'Garden', description: 'Tools and pots', image: null, parentId: null });
    // The public tree counts nothing: a count per category would grow with the catalog on every request.
    expect(node).not.toHaveProperty('productCount');
    expect(node!.children.map((c) => c.slug)).toEqual(['watering-cans']);
    expect(tree.some((c) => c.id === child.id)).toBe(false);

    const home = await t.app.inject({ url: '/' });
    expect(home.body).toContain('href="/c/garden"');
    expect(home.body).not.toContain('href="/c/watering-cans"');
    expect((await t.app.inject({ url: '/c/watering-cans' })).statusCode).toBe(200);
  });

  it('refuses a move under its own subcategory (409, nothing changed) and a fourth level (409)', async () => {
    const a = await create({ name: 'Outdoor' });
    const b = await create({ name: 'Outdoor Lighting', parentId: a.id });
    const c = await create({ name: 'Lanterns', parentId: b.id });

    const cycle = await api(manager, 'PATCH', `/api/v1/admin/catalog/categories/${a.id}`, { parentId: c.id });
    expect(cycle.statusCode).toBe(409);
    expect(cycle.json()).toMatchObject({ code: 'CATALOG_CATEGORY_CYCLE' });
    const self = await api(manager, 'PATCH', `/api/v1/admin/catalog/categories/${a.id}`, { parentId: a.id });
    expect(self.json()).toMatchObject({ code: 'CATALOG_CATEGORY_CYCLE' });
    const deep = await api(manager, 'POST', '/api/v1/admin/catalog/categories', { name: 'Tea Lights', parentId: c.id });
    expect(deep.statusCode).toBe(409);
    expect(deep.json()).toMatchObject({ code: 'CATALOG_CATEGORY_TOO_DEEP' });
    // A two-level branch cannot go under a second-level category either.
    const other = await create({ name: 'Seasonal' });
    const otherChild = await create({ name: 'Winter', parentId: other.id });
    const tooDeep = await api(manager, 'PATCH', `/api/v1/admin/catalog/categories/${b.id}`, { parentId: otherChild.id });
    expect(tooDeep.json()).toMatchObject({ code: 'CATALOG_CATEGORY_TOO_DEEP' });

    const after = await all();
    expect(after.find((x) => x.id === a.id)?.parentId).toBeNull();
    expect(after.find((x) => x.id === b.id)?.parentId).toBe(a.id);
    expect(after.some((x) => x.slug === 'tea-lights')).toBe(false);

    // A legal move takes the subtree along, audited as a move.
    const moved = await api(manager, 'PATCH', `/api/v1/admin/catalog/categories/${b.id}`, { parentId: other.id });
    expect(moved.statusCode).toBe(200);
    expect((await all()).find((x) => x.id === c.id)).toMatchObject({ depth: 3, path: ['Seasonal', 'Outdoor Lighting', 'Lanterns'] });
    const [event] = await t.audit.listForTarget('category', b.id, 1);
    expect(event).toMatchObject({ action: 'category.move', actorId: manager.userId });
    expect(JSON.parse(event!.changes!)).toMatchObject({ parentId: { before: a.id, after: other.id } });
  });

  it('answers an old slug with 301 to the new one after a slug change, audited with before and after', async () => {
    const cat = await create({ name: 'Candles', slug: 'candles' });
    const res = await api(manager, 'PATCH', `/api/v1/admin/catalog/categories/${cat.id}`, { slug: 'candles-and-scents', name: 'Candles & Scents' });
    expect(res.statusCode).toBe(200);
    const old = await t.app.inject({ url: '/c/candles?page=1' });
    expect(old.statusCode).toBe(301);
    expect(old.headers.location).toBe('/c/candles-and-scents?page=1');
    expect((await t.app.inject({ url: '/c/candles-and-scents' })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/c/never-was-a-category' })).statusCode).toBe(404);
    const [event] = await t.audit.listForTarget('category', cat.id, 1);
    expect(JSON.parse(event!.changes!)).toMatchObject({ slug: { before: 'candles', after: 'candles-and-scents' }, name: { before: 'Candles', after: 'Candles & Scents' } });
    // A new category may take the old slug back: it is live again, and no longer redirects.
    await create({ name: 'Candles', slug: 'candles' });
    expect((await t.app.inject({ url: '/c/candles' })).statusCode).toBe(200);
  });

  it('reorders the categories under one parent', async () => {
    const parent = await create({ name: 'Pantry' });
    const x = await create({ name: 'Oils', parentId: parent.id });
    const y = await create({ name: 'Vinegars', parentId: parent.id });
    const res = await api(manager, 'PUT', '/api/v1/admin/catalog/categories/order', { parentId: parent.id, ids: [y.id, x.id] });
    expect(res.statusCode).toBe(204);
    const children = (await all()).filter((c) => c.parentId === parent.id).map((c) => c.name);
    expect(children).toEqual(['Vinegars', 'Oils']);
    const incomplete = await api(manager, 'PUT', '/api/v1/admin/catalog/categories/order', { parentId: parent.id, ids: [y.id] });
    expect(incomplete.statusCode).toBe(400);
    expect(incomplete.json()).toMatchObject({ code: 'CATALOG_CATEGORY_ORDER_MISMATCH' });
  });

  it('refuses to delete a category with products or subcategories (409 with a clear code, nothing changed), and deletes an empty one', async () => {
    const withProducts = (await all()).find((c) => c.productCount > 0)!;
    const res = await api(manager, 'DELETE', `/api/v1/admin/catalog/categories/${withProducts.id}`);
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CATALOG_CATEGORY_HAS_PRODUCTS' });

    const parent = await create({ name: 'Bathroom' });
    await create({ name: 'Towels', parentId: parent.id });
    const withChildren = await api(manager, 'DELETE', `/api/v1/admin/catalog/categories/${parent.id}`);
    expect(withChildren.statusCode).toBe(409);
    expect(withChildren.json()).toMatchObject({ code: 'CATALOG_CATEGORY_HAS_CHILDREN' });
    expect((await all()).some((c) => c.id === parent.id || c.id === withProducts.id)).toBe(true);

    const empty = await create({ name: 'Short-lived' });
    expect((await api(manager, 'DELETE', `/api/v1/admin/catalog/categories/${empty.id}`)).statusCode).toBe(204);
    expect((await all()).some((c) => c.id === empty.id)).toBe(false);
    const [event] = await t.audit.listForTarget('category', empty.id, 1);
    expect(event).toMatchObject({ action: 'category.delete' });
  });

  it('refuses a staff member without catalog.write with 403 and its code, changing nothing', async () => {
    const before = await all();
    const target = before[0]!;
    for (const res of [
      await api(support, 'POST', '/api/v1/admin/catalog/categories', { name: 'Intruder' }),
      await api(support, 'PATCH', `/api/v1/admin/catalog/categories/${target.id}`, { name: 'Renamed by support' }),
      await api(support, 'DELETE', `/api/v1/admin/catalog/categories/${target.id}`),
    ]) {
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'STAFF_ACCESS_DENIED' });
    }
    expect(await all()).toEqual(before);
  });

  it('answers bad input with 400 and creates nothing: an unknown field, a bad slug, an empty name, a taken slug with 409', async () => {
    const before = await all();
    for (const body of [{ name: 'Ok', colour: 'red' }, { name: 'Ok', slug: 'Not A Slug' }, { name: '' }, { name: 'Ok', parentId: 'not-a-uuid' }]) {
      const res = await api(manager, 'POST', '/api/v1/admin/catalog/categories', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
    }
    const taken = await api(manager, 'POST', '/api/v1/admin/catalog/categories', { name: 'Garden again', slug: 'garden' });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'CATALOG_CATEGORY_SLUG_TAKEN' });
    expect(await all()).toEqual(before);
  });

  it('tells the change listener, inside the transaction, which categories and paths a change touched', async () => {
    const seen: CatalogChange[] = [];
    const service = createCategoriesService({ db: t.database.db, audit: t.audit, onChange: async (_trx, change) => void seen.push(change) });
    const by = { actor: { type: 'staff' as const, id: manager.userId, role: 'catalog_manager' } };
    const cat = await service.create({ name: 'Listener Top' }, by);
    const sub = await service.create({ name: 'Listener Sub', parentId: cat.id }, by);
    await service.update(sub.id, { slug: 'listener-renamed' }, by);
    expect(seen[0]).toMatchObject({ categoryIds: [cat.id] });
    expect(seen[0]!.paths).toEqual(expect.arrayContaining(['/c/listener-top', '/*']));
    expect(seen[2]).toMatchObject({ categoryIds: [sub.id], productIds: [], collectionIds: [] });
    expect(seen[2]!.paths).toEqual(expect.arrayContaining(['/c/listener-renamed', '/c/listener-sub']));
  });
});

describe('category pages', () => {
  const browserOf = (who: SignedInStaff) => {
    const b = new FormBrowser(t.app);
    for (const [k, v] of who.cookie.split('; ').map((c) => c.split('=') as [string, string])) b.cookies.set(k, v);
    return b;
  };

  it('creates, edits and deletes through the pages, with errors beside the fields', async () => {
    const b = browserOf(manager);
    expect((await b.get('/admin/categories/new')).statusCode).toBe(200);
    const bad = await b.post('/admin/categories', { name: '', slug: 'Bad Slug' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    const made = await b.post('/admin/categories', { name: 'Picnic', slug: '', description: 'Blankets and baskets', seoTitle: '', seoDescription: '', parentId: '' });
    expect(made.statusCode).toBe(303);
    const id = /\/admin\/categories\/([0-9a-f-]{36})/.exec(made.headers.location!)![1]!;
    const edit = await b.get(made.headers.location!);
    expect(edit.body).toContain('Category created.');
    expect(edit.body).toContain('Blankets and baskets');
    const list = await b.get('/admin/categories');
    expect(list.body).toContain(`/admin/categories/${id}`);

    const confirm = await b.get(`/admin/categories/${id}/delete`);
    expect(confirm.body).toContain('Delete Picnic?');
    const gone = await b.post(`/admin/categories/${id}/delete`, {});
    expect(gone.statusCode).toBe(303);
    expect((await all()).some((c) => c.id === id)).toBe(false);
  });

  it('shows a non-empty category delete page without the delete button, and refuses the post with 409', async () => {
    const b = browserOf(manager);
    const withProducts = (await all()).find((c) => c.productCount > 0)!;
    const confirm = await b.get(`/admin/categories/${withProducts.id}/delete`);
    expect(confirm.body).toContain('Move them elsewhere first');
    const refused = await b.post(`/admin/categories/${withProducts.id}/delete`, {});
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('There is a problem');
  });
});
