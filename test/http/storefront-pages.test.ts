import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t.close());

const html = { accept: 'text/html' };

describe('storefront pages', () => {
  it('renders the home page with a hero, category tiles and products from the database', async () => {
    const res = await t.app.inject({ url: '/', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    const page = res.body;
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toContain('<h1 id="hero-title">Ridge Stoneware Mug</h1>');
    expect(page.match(/class="tile"/g)).toHaveLength(6);
    expect(page.match(/<article class="card">/g)).toHaveLength(8);
    expect(page).toContain('£24.00');
    expect(page).toMatch(/<link rel="stylesheet" href="\/assets\/styles\.[0-9a-f]{12}\.css"\/>/);
  });

  it('carries no inline script or style and no external resource', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    // JSON-LD is a data block the browser never runs; the only code is the shop's own hashed files
    // (the cards' add-to-cart enhancement), each with its integrity, never an inline script.
    expect(page).not.toMatch(/<script(?![^>]*type="application\/ld\+json")(?![^>]*src="\/assets\/[^"]+" integrity="sha384-)/i);
    expect(page).toMatch(/<script src="\/assets\/add-to-cart\.[^"]+\.js" integrity="sha384-/);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    // The canonical link names this page's own absolute address; it loads nothing.
    expect(page.replace(/<link rel="canonical" href="[^"]*"\/>/, '')).not.toMatch(/(src|href)="https?:\/\//);
  });

  it('escapes catalog text, so data can never become markup', async () => {
    // Listings read the search index, so the rename is indexed as a catalog writer's change would be.
    const rename = async (name: string) => {
      const { id } = await t.database.db.updateTable('product').set({ name }).where('slug', '=', 'ridge-stoneware-mug').returning('id').executeTakeFirstOrThrow();
      await t.search.queueIndex(t.database.db, [id]);
      await t.outbox.drain();
    };
    await rename('<img src=x onerror=alert(1)>');
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    expect(page).not.toContain('<img src=x');
    expect(page).toContain('&lt;img src=x onerror=alert(1)>');
    await rename('Ridge Stoneware Mug');
  });

  it('renders a category with its count and marks it current in the navigation', async () => {
    const res = await t.app.inject({ url: '/c/apparel', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<title>Apparel · Bastion Supply Co.</title>');
    expect(res.body).toContain('<a href="/c/apparel" aria-current="page">Apparel</a>');
    expect(res.body.match(/<article class="card">/g)).toHaveLength(8);
  });

  it('shows Sale, Sold out and Low stock badges from real stock and prices', async () => {
    const apparel = (await t.app.inject({ url: '/c/apparel', headers: html })).body;
    expect(apparel).toContain('badge--sold-out');
    expect(apparel).toContain('badge--sale');
    expect(apparel).toContain('<s class="price__compare">£92.00</s>');
    expect(apparel).toContain('badge--low');
  });

  it('renders a product page with variants, stock lines and a gallery that works without JavaScript', async () => {
    const res = await t.app.inject({ url: '/p/organic-cotton-tee?image=2', headers: html });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<h1>Organic Cotton Tee</h1>');
    expect(res.body).toContain('<legend>Colour<span class="variant-picker__chosen" aria-hidden="true" data-chosen-value="true">White</span></legend>');
    expect(res.body).toMatch(/<a href="\/p\/organic-cotton-tee\?Colour=White&amp;Size=XS&amp;image=2" aria-current="true"/);
    expect(res.body).toContain('You may also like');
  });

  it('shows "Only N left" for low stock', async () => {
    const res = await t.app.inject({ url: '/p/pocket-tee', headers: html });
    expect(res.body).toContain('Only 2 left');
    expect(res.body).toContain(', sold out');
  });

  it('answers unknown pages and products with a helpful 404 page', async () => {
    for (const url of ['/no/such/page', '/p/not-a-product', '/c/not-a-category']) {
      const res = await t.app.inject({ url, headers: html });
      expect(res.statusCode, url).toBe(404);
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.body).toContain('We couldn’t find that page');
      expect(res.body).toContain('href="/c/apparel"');
    }
  });

  it('answers a bad page number with a 400 page, not a crash', async () => {
    const res = await t.app.inject({ url: '/c/apparel?page=0', headers: html });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('Reference:');
  });

  it('lets a CDN cache anonymous pages but never a page for a visitor with cookies', async () => {
    const anonymous = await t.app.inject({ url: '/', headers: html });
    expect(anonymous.headers['cache-control']).toBe('public, max-age=0, s-maxage=60, stale-while-revalidate=300');
    const withCookie = await t.app.inject({ url: '/', headers: { ...html, cookie: 'a=b' } });
    expect(withCookie.headers['cache-control']).toBe('private, no-store');
  });

  it('serves the stylesheet compressed and immutable under its hashed name', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const href = /href="(\/assets\/styles\.[0-9a-f]+\.css)"/.exec(page)?.[1] ?? '';
    const css = await t.app.inject({ url: href, headers: { 'accept-encoding': 'gzip, br' } });
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-encoding']).toBe('br');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(Number(css.headers['content-length'] ?? css.rawPayload.length)).toBeLessThan(30 * 1024);
    expect((await t.app.inject({ url: '/assets/styles.000000000000.css' })).statusCode).toBe(404);
  });

  it('serves product images and refuses paths outside the media folder', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const src = /<img src="(\/media\/[^"]+\.webp)"/.exec(page)?.[1] ?? '';
    const img = await t.app.inject({ url: src });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/webp');
    expect(img.rawPayload.subarray(8, 12).toString()).toBe('WEBP');
    expect((await t.app.inject({ url: '/media/../objects/x' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/media/%2e%2e/%2e%2e/etc/passwd' })).statusCode).toBe(404);
  });

  it('has no dead links: every link in the header, footer and home page answers 200', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const links = [...new Set([...page.matchAll(/href="(\/[^"#]*)"/g)].map((m) => m[1]!))].filter((href) => !href.startsWith('/assets/'));
    expect(links.length).toBeGreaterThan(20);
    // Account and cart pages arrive with the accounts and checkout work; everything else must resolve.
    const pending = ['/account', '/cart'];
    for (const href of links.filter((l) => !pending.includes(l))) {
      expect((await t.app.inject({ url: href, headers: html })).statusCode, href).toBe(200);
    }
  });

  it('renders the information pages and 404s an unknown one', async () => {
    const returns = await t.app.inject({ url: '/pages/returns', headers: html });
    expect(returns.statusCode).toBe(200);
    expect(returns.body).toContain('<h1>Returns and refunds</h1>');
    expect((await t.app.inject({ url: '/pages/nope', headers: html })).statusCode).toBe(404);
  });

  it('keeps pages within the HTML budget (40 KB, listings 70 KB, gzip)', async () => {
    const { gzipSync } = await import('node:zlib');
    for (const [url, budget] of [['/', 70], ['/c/apparel', 70], ['/p/organic-cotton-tee', 40]] as const) {
      const body = (await t.app.inject({ url, headers: html })).body;
      expect(gzipSync(body).length, url).toBeLessThan(budget * 1024);
    }
  });
});
