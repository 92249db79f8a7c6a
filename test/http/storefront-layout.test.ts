import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ConfigError } from '../../src/config.js';
import { createTestApp, type TestApp } from '../support/test-app.js';

/** Keys of the right shape for both card providers: enough to read the settings and build the app. */
const providerKeys = {
  STRIPE_SECRET_KEY: 'sk_test_layoutchecks00',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_layoutchecks00',
  STRIPE_WEBHOOK_SECRET: 'whsec_layoutchecks00',
  PAYPAL_CLIENT_ID: 'layout-client',
  PAYPAL_CLIENT_SECRET: 'layout-secret',
  PAYPAL_WEBHOOK_ID: 'WH-LAYOUT',
};

const html = { accept: 'text/html' };

describe('storefront layout', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('has one header row: a <details> menu of the top-level categories and account links, a search disclosure posting GET /search?q=, account and cart with its count', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const header = /<header class="site-header">([\s\S]*?)<\/header>/.exec(page)?.[1] ?? '';
    const menu = /<details class="header-menu">([\s\S]*?)<\/details>/.exec(header)?.[1] ?? '';
    expect(menu).toContain('<span class="visually-hidden">Menu</span>');
    const menuCategories = [...menu.matchAll(/href="\/c\/([a-z-]+)"/g)].map((m) => m[1]);
    expect(menuCategories).toEqual(['kitchen-dining', 'coffee-tea', 'home-living', 'apparel', 'bags-travel', 'stationery']);
    expect(menu).toContain('<a href="/account">Your account</a>');
    const search = /<details class="header-search">([\s\S]*?)<\/details>/.exec(header)?.[1] ?? '';
    expect(search).toMatch(/<form class="search-form" role="search" action="\/search" method="get">/);
    expect(search).toMatch(/<input id="site-search" type="search" name="q"/);
    expect(header).toContain('<span class="visually-hidden">Cart,</span><span class="cart-count">0</span><span class="visually-hidden">items</span>');
  });

  it('shows at most seven categories in the header, however many the shop has', async () => {
    const { db } = t.database;
    const added = await db
      .insertInto('category')
      .values(Array.from({ length: 3 }, (_, i) => ({ slug: `extra-${i}`, name: `Extra ${i}`, description: 'More', position: 10 + i })))
      .returning('id')
      .execute();
    try {
      // The read cache holds the category list for a few seconds; a fresh app reads it now.
      const fresh = await createTestApp({ CATALOG_CACHE_TTL_MS: '0' }, { database: t.database });
      try {
        const page = (await fresh.app.inject({ url: '/', headers: html })).body;
        const nav = /<nav class="category-nav" aria-label="Categories">([\s\S]*?)<\/nav>/.exec(page)?.[1] ?? '';
        expect(nav.match(/<li>/g)).toHaveLength(7);
        const menu = /<details class="header-menu">([\s\S]*?)<\/details>/.exec(page)?.[1] ?? '';
        expect(menu.match(/href="\/c\//g)).toHaveLength(7);
      } finally {
        await fresh.close();
      }
    } finally {
      await db.deleteFrom('category').where('id', 'in', added.map((r) => r.id)).execute();
    }
  });

  it('makes no promise the shop does not keep: no announcement bar, no delivery or returns offer on any page', async () => {
    for (const url of ['/', '/c/apparel', '/p/organic-cotton-tee', '/no-such-page']) {
      const page = (await t.app.inject({ url, headers: html })).body;
      expect(page, url).not.toContain('class="announcement"');
      expect(page, url).not.toMatch(/free uk delivery|30-day returns|free returns|secure checkout/i);
    }
  });

  it('shows no card marks with only the test gateway, just a plain note', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const legal = /<div class="container site-footer__legal">([\s\S]*?)<\/div>/.exec(page)?.[1] ?? '';
    expect(legal).toContain('<p class="payment-note">Test payments only: no card is charged.</p>');
    expect(legal).not.toMatch(/visa|mastercard|amex|american express|paypal|apple pay/i);
  });

  it('links an SVG favicon and answers /favicon.ico with it, cached', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const href = /<link rel="icon" href="(\/assets\/favicon\.[0-9a-f]{12}\.svg)" type="image\/svg\+xml"\/>/.exec(page)?.[1];
    expect(href).toBeDefined();
    const linked = await t.app.inject({ url: href! });
    expect(linked.statusCode).toBe(200);
    expect(linked.headers['content-type']).toBe('image/svg+xml');
    expect(linked.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const ico = await t.app.inject({ url: '/favicon.ico' });
    expect(ico.statusCode).toBe(200);
    expect(ico.headers['content-type']).toBe('image/svg+xml');
    expect(ico.headers['cache-control']).toBe('public, max-age=604800');
    expect(ico.body).toBe(linked.body);
    expect(ico.body).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  });

  it('gives the category page an h2 before the cards, so headings do not jump from h1 to h3', async () => {
    for (const url of ['/', '/c/apparel', '/p/organic-cotton-tee']) {
      const page = (await t.app.inject({ url, headers: html })).body;
      const main = /<main[\s\S]*<\/main>/.exec(page)?.[0] ?? '';
      const levels = [...main.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
      expect(levels[0], url).toBe(1);
      for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!, `${url}: h${levels[i - 1]} then h${levels[i]}`).toBeLessThanOrEqual(1);
    }
  });

  it('labels the home hero’s button for where it leads: the product it shows', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    const hero = /<section class="hero"[\s\S]*?<\/section>/.exec(page)?.[0] ?? '';
    const title = /<h1 id="hero-title">([^<]+)<\/h1>/.exec(hero)?.[1];
    const button = /<a class="button" href="([^"]+)">([\s\S]*?)<\/a>/.exec(hero);
    expect(button?.[1]).toBe('/p/ridge-stoneware-mug');
    expect(title).toBe('Ridge Stoneware Mug');
    expect(button?.[2]).toContain('Ridge Stoneware Mug');
  });
});

describe('payment marks follow PAYMENTS', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ PAYMENTS: 'stripe, paypal', ...providerKeys });
  });
  afterAll(async () => t?.close());

  it('shows the card marks of Stripe and PayPal’s own, and no test note', async () => {
    const page = (await t.app.inject({ url: '/', headers: html })).body;
    expect(page).toContain('<ul class="payment-marks" aria-label="Payment methods we accept"><li>Visa</li><li>Mastercard</li><li>American Express</li><li>PayPal</li></ul>');
    expect(page).not.toContain('Test payments only');
    expect(page).not.toMatch(/apple pay/i);
  });
});

describe('the PAYMENTS setting', () => {
  it('defaults to the test gateway and reads several providers, once each', () => {
    expect(loadConfig({}).payments).toEqual(['test']);
    expect(loadConfig({ PAYMENTS: 'stripe,paypal,stripe', ...providerKeys }).payments).toEqual(['stripe', 'paypal']);
    expect(loadConfig({ PAYMENTS: ' PayPal ', ...providerKeys }).payments).toEqual(['paypal']);
  });

  it('refuses a provider it does not know, naming it', () => {
    expect(() => loadConfig({ PAYMENTS: 'stripe,bitcoin' })).toThrow(ConfigError);
    expect(() => loadConfig({ PAYMENTS: 'stripe,bitcoin' })).toThrow(/PAYMENTS: "bitcoin" is not one of test, stripe, paypal/);
  });
});
