import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogSitemap } from '../../src/modules/catalog/index.js';
import { sitemapPlugin } from '../../src/modules/sitemap/index.js';
import { createVerifiedAccount, signIn } from '../support/accounts.js';
import { signedInStaff } from '../support/staff.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ PUBLIC_URL: 'https://shop.example' });
});
afterAll(async () => t.close());

const get = (url: string, headers: Record<string, string> = {}) => t.app.inject({ url, headers: { accept: 'text/html', ...headers } });

/** The JSON-LD blocks of a page, parsed. */
function jsonLd(html: string): Record<string, unknown>[] {
  return [...html.matchAll(/<script type="application\/ld\+json">([^<]*)<\/script>/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>);
}
const meta = (html: string, attr: 'name' | 'property', key: string) => new RegExp(`<meta ${attr}="${key}" content="([^"]*)"`).exec(html)?.[1];
const canonical = (html: string) => /<link rel="canonical" href="([^"]*)"/.exec(html)?.[1];
const title = (html: string) => /<title>([^<]*)<\/title>/.exec(html)?.[1];

describe('what search engines read on storefront pages', () => {
  it('gives the home page a title, description, canonical, Open Graph, Organization and a WebSite search', async () => {
    const page = (await get('/')).body;
    expect(canonical(page)).toBe('https://shop.example/');
    expect(meta(page, 'name', 'description')).toBeTruthy();
    expect(meta(page, 'property', 'og:url')).toBe('https://shop.example/');
    expect(meta(page, 'property', 'og:type')).toBe('website');
    expect(meta(page, 'property', 'og:image')).toMatch(/^https:\/\/shop\.example\/media\//);
    const [organization, website] = jsonLd(page);
    expect(organization).toMatchObject({ '@type': 'Organization', name: 'Bastion Supply Co.', url: 'https://shop.example/' });
    expect(website).toMatchObject({
      '@type': 'WebSite',
      potentialAction: { '@type': 'SearchAction', target: { urlTemplate: 'https://shop.example/search?q={search_term_string}' } },
    });
  });

  it('describes a product with an Offer per variant: decimal price, currency, availability from stock, SKU, variant URL', async () => {
    const variants = await t.database.db
      .selectFrom('product_variant as v')
      .innerJoin('product as p', 'p.id', 'v.product_id')
      .select(['v.id', 'v.sku', 'v.price_amount', 'v.currency'])
      .where('p.slug', '=', 'waxed-canvas-tote')
      .orderBy('v.position')
      .execute();
    // One variant sold out, so availability must follow stock.
    await t.database.db.updateTable('inventory_level').set({ on_hand: 0, reserved: 0 }).where('variant_id', '=', variants[0]!.id).execute();

    const page = (await get('/p/waxed-canvas-tote')).body;
    expect(title(page)).toBe('Waxed Canvas Tote · Bastion Supply Co.');
    expect(canonical(page)).toBe('https://shop.example/p/waxed-canvas-tote');
    expect(meta(page, 'property', 'og:type')).toBe('product');
    const description = meta(page, 'name', 'description')!;
    expect(description.length).toBeGreaterThan(20);
    expect(description.length).toBeLessThanOrEqual(160);
    const [product, breadcrumbs] = jsonLd(page);
    expect(product).toMatchObject({ '@context': 'https://schema.org', '@type': 'Product', name: 'Waxed Canvas Tote', url: 'https://shop.example/p/waxed-canvas-tote' });
    const offers = product!.offers as Record<string, unknown>[];
    expect(offers).toHaveLength(variants.length);
    // 5800 minor units of GBP is "58.00": pounds and pence, as a string.
    expect(offers[0]).toMatchObject({
      '@type': 'Offer',
      sku: variants[0]!.sku,
      price: `${Math.floor(variants[0]!.price_amount / 100)}.${String(variants[0]!.price_amount % 100).padStart(2, '0')}`,
      priceCurrency: 'GBP',
      availability: 'https://schema.org/OutOfStock',
      url: `https://shop.example/p/waxed-canvas-tote?variant=${variants[0]!.id}`,
    });
    if (offers[1]) expect(offers[1].availability).not.toBe('https://schema.org/OutOfStock');
    expect(breadcrumbs).toMatchObject({
      '@type': 'BreadcrumbList',
      itemListElement: [
        { position: 1, name: 'Home', item: 'https://shop.example/' },
        { position: 2, name: 'Bags & Travel', item: 'https://shop.example/c/bags-travel' },
        { position: 3, name: 'Waxed Canvas Tote', item: 'https://shop.example/p/waxed-canvas-tote' },
      ],
    });
  });

  it('uses the SEO title and description when staff set them', async () => {
    await t.database.db.updateTable('product').set({ seo_title: 'Waxed tote bag for market days', seo_description: 'A tote that shrugs off rain.' }).where('slug', '=', 'organic-cotton-tee').execute();
    const page = (await get('/p/organic-cotton-tee')).body;
    expect(title(page)).toBe('Waxed tote bag for market days · Bastion Supply Co.');
    expect(meta(page, 'name', 'description')).toBe('A tote that shrugs off rain.');
    expect(meta(page, 'property', 'og:title')).toBe('Waxed tote bag for market days');
  });

  it('attack: a product name holding </script> cannot close the JSON-LD block', async () => {
    const hostile = 'Mug </script><script>alert(1)</script><!--';
    await t.database.db.updateTable('product').set({ name: hostile, description: '</SCRIPT><img src=x onerror=alert(2)> & more' }).where('slug', '=', 'everyday-cereal-bowl').execute();
    const page = (await get('/p/everyday-cereal-bowl')).body;
    const blocks = [...page.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/gi)].map((m) => m[1]!);
    expect(blocks).toHaveLength(2);
    for (const block of blocks) expect(block).not.toMatch(/[<>]/);
    expect(JSON.parse(blocks[0]!)).toMatchObject({ name: hostile });
    // Every other script element on the page would be one the attacker opened: only our own files remain.
    const others = [...page.matchAll(/<script(?![^>]*type="application\/ld\+json")[^>]*>/gi)].map((m) => m[0]);
    for (const tag of others) expect(tag).toMatch(/^<script src="\/assets\/[a-z-]+\.[0-9a-f]{12}\.js"( integrity="sha384-[A-Za-z0-9+/]+=*" crossorigin="anonymous")? defer(="")?>$/);
  });

  it('gives a filtered, sorted category page the plain category URL as canonical, and a later page its own', async () => {
    const filtered = (await get('/c/apparel?sort=price-asc&colour=white&utm_source=x')).body;
    expect(canonical(filtered)).toBe('https://shop.example/c/apparel');
    expect(jsonLd(filtered)[0]).toMatchObject({
      '@type': 'BreadcrumbList',
      itemListElement: [{ name: 'Home', item: 'https://shop.example/' }, { name: 'Apparel', item: 'https://shop.example/c/apparel' }],
    });
    const second = (await get('/c/kitchen-dining?page=2')).body;
    expect(canonical(second)).toBe('https://shop.example/c/kitchen-dining?page=2');
    expect(title(second)).not.toBe(title((await get('/c/kitchen-dining')).body));
  });

  it('gives every page kind a unique title', async () => {
    const urls = ['/', '/c/apparel', '/c/stationery', '/p/ridge-stoneware-mug', '/p/dot-grid-notebook-a5', '/pages/delivery', '/pages/returns'];
    const titles = await Promise.all(urls.map(async (u) => title((await get(u)).body)));
    expect(new Set(titles).size).toBe(urls.length);
  });
});

describe('sitemap and robots', () => {
  it('serves robots.txt keeping crawlers out of personal and endless pages, naming the sitemap', async () => {
    const res = await get('/robots.txt');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
    for (const path of ['/admin', '/account', '/api/', '/checkout', '/cart', '/search']) expect(res.body).toContain(`Disallow: ${path}\n`);
    expect(res.body).toContain('Sitemap: https://shop.example/sitemap.xml');
  });

  it('serves a sitemap index whose pages list active products, categories and content pages with lastmod', async () => {
    await t.database.db.updateTable('product').set({ status: 'draft' }).where('slug', '=', 'borosilicate-glass-carafe').execute();
    const index = await get('/sitemap.xml');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('application/xml; charset=utf-8');
    expect(index.body).toContain('<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">');
    expect(index.body).toMatch(/<sitemap><loc>https:\/\/shop\.example\/sitemaps\/products-1\.xml<\/loc><lastmod>\d{4}-\d\d-\d\dT[\d:.]+Z<\/lastmod><\/sitemap>/);
    expect(index.body).toContain('https://shop.example/sitemaps/categories-1.xml');
    expect(index.body).toContain('https://shop.example/sitemaps/pages-1.xml');
    // No collection is published in the demo catalog: no page of collections.
    expect(index.body).not.toContain('collections-1.xml');

    const products = await get('/sitemaps/products-1.xml');
    expect(products.statusCode).toBe(200);
    const active = await t.database.db.selectFrom('product').select('slug').where('status', '=', 'active').execute();
    const locs = [...products.body.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]);
    expect(locs.sort()).toEqual(active.map((p) => `https://shop.example/p/${p.slug}`).sort());
    expect(products.body).not.toContain('borosilicate-glass-carafe');
    expect((await get('/sitemaps/products-2.xml')).statusCode).toBe(404);
    expect((await get('/sitemaps/nothing-1.xml')).statusCode).toBe(404);
    expect((await get('/sitemaps/pages-1.xml')).body).toContain('<loc>https://shop.example/pages/delivery</loc>');
  });

  it('splits a kind into pages of at most the page size, each URL exactly once', async () => {
    const app = Fastify();
    await app.register(sitemapPlugin, { publicUrl: 'https://shop.example', caching: t.config.catalogCdn, sources: createCatalogSitemap({ db: t.database.db }), urlsPerPage: 5 });
    const index = (await app.inject('/sitemap.xml')).body;
    const categories = await t.database.db.selectFrom('category').select('slug').execute();
    const pages = Math.ceil(categories.length / 5);
    expect(index.match(/sitemaps\/categories-\d+\.xml/g)).toHaveLength(pages);
    const seen: string[] = [];
    for (let n = 1; n <= pages; n++) {
      const body = (await app.inject(`/sitemaps/categories-${n}.xml`)).body;
      const locs = [...body.matchAll(/<loc>([^<]*)<\/loc>/g)].map((m) => m[1]!);
      expect(locs.length).toBeLessThanOrEqual(5);
      seen.push(...locs);
    }
    expect(seen.sort()).toEqual(categories.map((c) => `https://shop.example/c/${c.slug}`).sort());
    await app.close();
  });
});

describe('HTTP caching', () => {
  const shared = 'public, max-age=0, s-maxage=60, stale-while-revalidate=300';
  const catalogAnswers = ['/', '/c/apparel', '/p/ridge-stoneware-mug', '/pages/delivery', '/api/v1/products', '/api/v1/products/ridge-stoneware-mug', '/api/v1/categories', '/sitemap.xml', '/robots.txt'];

  it.each(catalogAnswers)('lets a CDN keep the anonymous answer of %s, with an ETag and Vary', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe(shared);
    expect(res.headers.etag).toMatch(/^W\/"[A-Za-z0-9_-]+"$/);
    expect(String(res.headers.vary)).toMatch(/Accept-Encoding/i);
    expect(String(res.headers.vary)).toMatch(/Cookie/i);
  });

  it.each(catalogAnswers)('answers %s 304 without a body when the client holds the current copy', async (url) => {
    const first = await get(url);
    const again = await get(url, { 'if-none-match': String(first.headers.etag) });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe(shared);
    const stale = await get(url, { 'if-none-match': 'W/"something-else"' });
    expect(stale.statusCode).toBe(200);
  });

  it('changes the ETag when the answer changes', async () => {
    const before = await get('/p/dot-grid-notebook-a5');
    await t.database.db.updateTable('product').set({ name: 'Dot Grid Notebook A5 (new)' }).where('slug', '=', 'dot-grid-notebook-a5').execute();
    const after = await get('/p/dot-grid-notebook-a5', { 'if-none-match': String(before.headers.etag) });
    expect(after.statusCode).toBe(200);
    expect(after.headers.etag).not.toBe(before.headers.etag);
  });

  it.each(catalogAnswers)('never lets a shared cache store %s for a signed-in shopper', async (url) => {
    const email = await createVerifiedAccount(t);
    const session = await signIn(t, email);
    const res = await get(url, { cookie: session });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.etag).toBeUndefined();
    expect(String(res.headers.vary)).toMatch(/Cookie/i);
  });

  it('keeps personal answers private and unstored: account, API for me, auth, back office', async () => {
    const email = await createVerifiedAccount(t);
    const session = await signIn(t, email);
    const staff = await signedInStaff(t, 'owner');
    const answers = {
      account: await get('/account', { cookie: session }),
      signIn: await get('/account/sign-in'),
      me: await t.app.inject({ url: '/api/v1/me', headers: { cookie: session } }),
      authApi: await t.app.inject({ method: 'POST', url: '/api/v1/auth/sign-in', payload: { email, password: 'wrong-password-here' } }),
      backOffice: await get('/admin', { cookie: staff }),
    };
    for (const [name, res] of Object.entries(answers)) {
      expect(res.headers['cache-control'], name).toBe('private, no-store');
      expect(res.headers.etag).toBeUndefined();
    }
  });

  it('keeps error answers out of shared caches', async () => {
    const res = await get('/p/no-such-product');
    expect(res.statusCode).toBe(404);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.headers.etag).toBeUndefined();
  });
});

describe('the API reference', () => {
  it('serves the OpenAPI JSON at /api/docs/json, and every public catalog operation has tags and a summary', async () => {
    const doc = (await t.app.inject('/api/docs/json')).json<{ paths: Record<string, Record<string, { tags?: string[]; summary?: string }>> }>();
    const catalogPaths = Object.keys(doc.paths).filter((p) => /^\/api\/v1\/(products|categories|collections|search)/.test(p));
    expect(catalogPaths.length).toBeGreaterThanOrEqual(3);
    for (const path of catalogPaths) {
      for (const [method, op] of Object.entries(doc.paths[path]!)) {
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path} summary`).toBeTruthy();
      }
    }
  });

  it('serves /api/docs as a page with no script, marking the staff API', async () => {
    const res = await get('/api/docs');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toMatch(/script-src/);
    expect(res.body).not.toMatch(/<script/i);
    expect(res.body).toContain('<code>/api/v1/products/{idOrSlug}</code>');
    expect(res.body).toMatch(/<code>\/api\/v1\/admin\/staff<\/code><span class="badge badge--low">Staff API<\/span>/);
  });
});
