import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FormBrowser } from '../support/form-browser.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { pickVariants, setStock, setVariant, type TestVariant } from '../pricing/pricing-fixtures.js';

/**
 * The cart without JavaScript: the add-to-cart form on a product page (also one cached for everyone),
 * /cart with its quantity, remove and discount forms, each a CSRF-checked POST that redirects back with a
 * notice or shows the cart again with the error; delivery estimated by country.
 */
let t: TestApp;
let v: TestVariant[];
let slug: string;

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();

beforeAll(async () => {
  t = await createTestApp();
  v = await pickVariants(t.database.db, 2);
  slug = (await t.database.db.selectFrom('product').select('slug').where('id', '=', v[0]!.productId).executeTakeFirstOrThrow()).slug;
  await t.database.db.insertInto('tax_rate').values({ country: 'GB', region: '', name: 'VAT', rate_bp: 2000 }).execute();
  await t.database.db
    .insertInto('shipping_method')
    .values([
      { name: 'Standard', countries: ['GB'], currency: 'GBP', kind: 'flat', price_amount: 395, bands: '[]', free_over_amount: 5000 },
      { name: 'Europe', countries: ['FR', 'DE'], currency: 'GBP', kind: 'flat', price_amount: 1295, bands: '[]', free_over_amount: null },
    ])
    .execute();
  await t.database.db.insertInto('discount_code').values({ code: 'WELCOME10', kind: 'percentage', percent_bp: 1000, amount: null, currency: 'GBP', min_subtotal: 0 }).execute();
}, 60_000);

afterAll(async () => {
  await t?.close();
});

beforeEach(async () => {
  await setVariant(t.database.db, v[0]!.id, { price: 2400 });
  await setVariant(t.database.db, v[1]!.id, { price: 1800 });
  await setStock(t, v[0]!.id, 20);
  await setStock(t, v[1]!.id, 20);
});

describe('add to cart without JavaScript', () => {
  it('keeps an anonymous product page public (no token, no cookie) and accepts its same-origin post without a token', async () => {
    const page = await t.app.inject({ url: `/p/${slug}` });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toMatch(/^public/);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(page.body).toContain('action="/cart/items"');
    expect(page.body).not.toContain('name="_csrf"');
    const variantId = /name="variantId" value="([^"]+)"/.exec(page.body)![1]!;

    const posted = await t.app.inject({
      method: 'POST',
      url: '/cart/items',
      payload: form({ variantId, quantity: '2' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' },
    });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/cart?notice=added');
    const cookie = String(posted.headers['set-cookie']).split(';')[0]!;
    const cart = await t.app.inject({ url: '/cart?notice=added', headers: { cookie } });
    expect(cart.statusCode).toBe(200);
    expect(cart.headers['cache-control']).toBe('private, no-store');
    expect(cart.body).toContain('Added to your cart.');
    expect(cart.body).toContain('<span class="cart-count">2</span>');
  });

  it('refuses a tokenless post that is not proven same-origin, or that carries a cookie', async () => {
    const noOrigin = await t.app.inject({ method: 'POST', url: '/cart/items', payload: form({ variantId: v[0]!.id }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect([noOrigin.statusCode, noOrigin.json<{ code: string }>().code]).toEqual([403, 'CSRF_REJECTED']);
    const crossSite = await t.app.inject({
      method: 'POST',
      url: '/cart/items',
      payload: form({ variantId: v[0]!.id }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect([crossSite.statusCode, crossSite.json<{ code: string }>().code]).toEqual([403, 'CSRF_REJECTED']);
    const withCookie = await t.app.inject({
      method: 'POST',
      url: '/cart/items',
      payload: form({ variantId: v[0]!.id }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin', cookie: 'session=x' },
    });
    expect([withCookie.statusCode, withCookie.json<{ code: string }>().code]).toEqual([403, 'CSRF_REJECTED']);
  });

  it('puts a token in the form of a visitor who has cookies, and takes the post with it', async () => {
    const browser = new FormBrowser(t.app);
    browser.cookies.set('csrf', 'x'.repeat(43));
    const page = await browser.get(`/p/${slug}`);
    expect(page.headers['cache-control']).toBe('private, no-store');
    expect(page.body).toContain('name="_csrf"');
    const res = await browser.post('/cart/items', { variantId: v[0]!.id, quantity: '1' });
    expect(res.statusCode).toBe(303);
    expect(browser.cookies.has('cart')).toBe(true);
  });
});

describe('/cart', () => {
  async function shopper(): Promise<FormBrowser> {
    const browser = new FormBrowser(t.app);
    // A returning visitor: the product page is private and its form carries a token.
    browser.cookies.set('csrf', 'y'.repeat(43));
    await browser.get(`/p/${slug}`);
    expect((await browser.post('/cart/items', { variantId: v[0]!.id, quantity: '1' })).statusCode).toBe(303);
    expect((await browser.post('/cart/items', { variantId: v[1]!.id, quantity: '2' })).statusCode).toBe(303);
    return browser;
  }

  it('shows an empty state with a way back to the shop', async () => {
    const page = await new FormBrowser(t.app).get('/cart');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Your cart is empty');
    expect(page.body).toContain('Continue shopping');
  });

  it('shows lines, totals with tax included, delivery and a checkout link', async () => {
    const browser = await shopper();
    const page = await browser.get('/cart');
    expect(page.body).toContain('3 items');
    // 2400 + 2 × 1800 = 6000, over the 50.00 threshold: free delivery; VAT in 6000 at 20% = 1000.
    expect(page.body).toMatch(/Subtotal<\/dt><dd>£60\.00/);
    expect(page.body).toMatch(/Delivery \(Standard\)<\/dt><dd>Free/);
    expect(page.body).toContain('Including £10.00 tax');
    expect(page.body).toContain('href="/checkout"');
    const fr = await browser.get('/cart?country=FR');
    expect(fr.body).toMatch(/Delivery \(Europe\)<\/dt><dd>£12\.95/);
    expect(fr.body).toMatch(/<option value="FR" selected/);
  });

  it('updates a quantity, removes a line with 0 or the remove button, and shows a refused quantity inline', async () => {
    const browser = await shopper();
    let page = await browser.get('/cart');
    const ids = [...page.body.matchAll(/action="\/cart\/items\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    expect(ids).toHaveLength(2);
    const updated = await browser.post(`/cart/items/${ids[0]}`, { quantity: '3' });
    expect([updated.statusCode, updated.headers.location]).toEqual([303, '/cart?notice=updated']);
    page = await browser.get('/cart');
    expect(page.body).toContain('5 items');
    const bad = await browser.post(`/cart/items/${ids[0]}`, { quantity: '1.5' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('There is a problem');
    expect(bad.body).toContain('href="#quantity-0"');
    expect(bad.body).toContain('aria-invalid="true"');
    await browser.get('/cart');
    const zero = await browser.post(`/cart/items/${ids[0]}`, { quantity: '0' });
    expect(zero.headers.location).toBe('/cart?notice=removed');
    await browser.get('/cart');
    const removed = await browser.post(`/cart/items/${ids[1]}/remove`, {});
    expect(removed.headers.location).toBe('/cart?notice=removed');
    expect((await browser.get('/cart')).body).toContain('Your cart is empty');
  });

  it('applies a discount code, refuses an unknown one with the value kept, and removes it', async () => {
    const browser = await shopper();
    await browser.get('/cart');
    const refused = await browser.post('/cart/discount', { code: 'NOPE123' });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('That discount code is not valid.');
    expect(refused.body).toContain('value="NOPE123"');
    const applied = await browser.post('/cart/discount', { code: 'welcome10' });
    expect(applied.headers.location).toBe('/cart?notice=discount');
    const page = await browser.get('/cart');
    expect(page.body).toMatch(/Discount \(WELCOME10\)<\/dt><dd>−£6\.00/);
    await browser.post('/cart/discount/remove', {});
    expect((await browser.get('/cart')).body).not.toContain('Discount (WELCOME10)');
  });

  it('refuses a form carrying a price and changes nothing', async () => {
    const browser = await shopper();
    await browser.get('/cart');
    const res = await browser.post('/cart/items', { variantId: v[0]!.id, quantity: '1', price: '1' });
    expect(res.statusCode).toBe(400);
    expect((await browser.get('/cart')).body).toContain('3 items');
  });
});

describe('notices from the checkout', () => {
  const noticeOf = (body: string) => /<div class="notice notice--(\w+)" role="status">([^<]*)<\/div>/.exec(body);

  it('says why the checkout sent the shopper back: an empty cart, or items that cannot be bought as they are', async () => {
    const empty = await new FormBrowser(t.app).get('/cart?notice=checkout-empty');
    expect(empty.statusCode).toBe(200);
    expect(noticeOf(empty.body)?.slice(1)).toEqual(['warning', 'Your cart is empty, so there is nothing to check out yet. Add something first, then check out.']);

    const unavailable = await new FormBrowser(t.app).get('/cart?notice=checkout-unavailable');
    expect(unavailable.statusCode).toBe(200);
    expect(noticeOf(unavailable.body)?.slice(1)).toEqual(['warning', 'Some items in your cart cannot be bought as they are now. Change or remove the items marked below, then check out again.']);
  });

  it('ignores a notice it does not know, and never writes the parameter into the page', async () => {
    for (const value of ['surprise', '<script>alert(1)</script>', 'toString', '__proto__', 'x'.repeat(150)]) {
      const page = await new FormBrowser(t.app).get(`/cart?notice=${encodeURIComponent(value)}`);
      expect(page.statusCode).toBe(200);
      expect(noticeOf(page.body)).toBeNull();
      expect(page.body).not.toContain(value);
      expect(page.body).not.toContain('&lt;script&gt;');
    }
  });
});
