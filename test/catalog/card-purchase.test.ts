import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as soleVariantMigration from '../../src/db/migrations/2026_12_02_2090_search_document_sole_variant.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { makeCategory, makeProduct } from '../search/search-fixtures.js';

/**
 * Add to cart from listing cards without JavaScript: a product with one variant gets a one-unit POST form
 * named after it, one with options a link to choose them, a sold-out one neither; the form's post lands in
 * the cart as the product page's does. Category pages, search and the home page all show them.
 */
let t: TestApp;
let categorySlug: string;
const ids: Record<string, string> = {};
let soleVariantId: string;

const sameOrigin = { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost:3000', 'sec-fetch-site': 'same-origin' };

/** The card of the named product in a listing's HTML. */
function cardOf(html: string, name: string): string {
  const card = html.split('<article class="card">').slice(1).find((c) => c.includes(`>${name}</a>`));
  if (card === undefined) throw new Error(`no card for ${name}`);
  return card.slice(0, card.indexOf('</article>'));
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database.db;
  const category = await makeCategory(db, 'Quillon Desk');
  categorySlug = (await db.selectFrom('category').select('slug').where('id', '=', category).executeTakeFirstOrThrow()).slug;
  ids.notebook = await makeProduct(db, { name: 'Quillon Birch Notebook', categoryId: category, variants: [{ options: {}, price: 1450, stock: 12 }] });
  ids.apron = await makeProduct(db, {
    name: 'Quillon Linen Apron',
    categoryId: category,
    variants: [
      { options: { Size: 'S' }, price: 3200, stock: 4 },
      { options: { Size: 'L' }, price: 3200, stock: 4 },
    ],
  });
  ids.candle = await makeProduct(db, { name: 'Quillon Moss Candle', categoryId: category, variants: [{ options: {}, price: 2200, stock: 0 }] });
  soleVariantId = (await db.selectFrom('product_variant').select('id').where('product_id', '=', ids.notebook).executeTakeFirstOrThrow()).id;
  await t.search.queueIndex(db, Object.values(ids));
  await t.outbox.drain();
}, 120_000);

afterAll(async () => {
  await t?.close();
});

describe('add to cart on listing cards', () => {
  it('gives a one-variant product a named one-unit form, a product with options a link, and a sold-out one neither', async () => {
    const page = await t.app.inject({ url: `/c/${categorySlug}` });
    expect(page.statusCode).toBe(200);
    // The anonymous page stays cacheable for everyone: no token, no cookie.
    expect(page.headers['cache-control']).toMatch(/^public/);
    expect(page.headers['set-cookie']).toBeUndefined();

    const notebook = cardOf(page.body, 'Quillon Birch Notebook');
    expect(notebook).toContain('<form class="card__add" method="post" action="/cart/items" data-add-to-cart="true">');
    expect(notebook).toContain(`<input type="hidden" name="variantId" value="${soleVariantId}"/>`);
    expect(notebook).toContain('<input type="hidden" name="quantity" value="1"/>');
    expect(notebook).toMatch(/>Add to cart<span class="visually-hidden">: Quillon Birch Notebook<\/span><\/button>/);
    expect(notebook).not.toContain('name="_csrf"');

    const apron = cardOf(page.body, 'Quillon Linen Apron');
    expect(apron).not.toContain('<form');
    expect(apron).toContain('href="/p/quillon-linen-apron">Choose options<span class="visually-hidden"> for Quillon Linen Apron</span></a>');

    const candle = cardOf(page.body, 'Quillon Moss Candle');
    expect(candle).toContain('badge--sold-out');
    expect(candle).not.toContain('<form');
    expect(candle).not.toContain('Choose options');

    // The enhancement is loaded, with its integrity.
    expect(page.body).toMatch(/<script src="\/assets\/add-to-cart\.[^"]+\.js" integrity="sha384-[^"]+"/);
  });

  it("adds the card's product to the cart: the post lands on the cart, and the header then counts 1", async () => {
    const page = await t.app.inject({ url: `/c/${categorySlug}` });
    const notebook = cardOf(page.body, 'Quillon Birch Notebook');
    const fields = Object.fromEntries([...notebook.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields).toEqual({ variantId: soleVariantId, quantity: '1' });

    const posted = await t.app.inject({ method: 'POST', url: '/cart/items', payload: new URLSearchParams(fields).toString(), headers: sameOrigin });
    expect(posted.statusCode).toBe(303);
    expect(posted.headers.location).toBe('/cart?notice=added');
    const cookie = String(posted.headers['set-cookie']).split(';')[0]!;

    const cart = await t.app.inject({ url: posted.headers.location as string, headers: { cookie } });
    expect(cart.body).toContain('Added to your cart.');
    expect(cart.body).toContain('Quillon Birch Notebook');

    // Back on the list with the cart's cookie: the count is 1 and each form now carries a token.
    const again = await t.app.inject({ url: `/c/${categorySlug}`, headers: { cookie } });
    expect(again.headers['cache-control']).toBe('private, no-store');
    expect(again.body).toContain('<span class="cart-count">1</span>');
    expect(cardOf(again.body, 'Quillon Birch Notebook')).toContain('name="_csrf"');
  });

  it('shows the same cards in search results and on the home page', async () => {
    const search = await t.app.inject({ url: '/search?q=quillon' });
    expect(search.statusCode).toBe(200);
    expect(cardOf(search.body, 'Quillon Birch Notebook')).toContain(`value="${soleVariantId}"`);
    expect(cardOf(search.body, 'Quillon Linen Apron')).toContain('Choose options');
    expect(search.body).toContain('add-to-cart.');

    const home = await t.app.inject({ url: '/' });
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('data-add-to-cart');
  });

  it('keeps a listing page within its budget with every card selling', async () => {
    const { gzipSync } = await import('node:zlib');
    const page = await t.app.inject({ url: '/search?q=a' });
    expect(gzipSync(page.body).length).toBeLessThan(70 * 1024);
  });

  it('fills in the documents written before the column existed, as the indexer would', async () => {
    const db = t.database.db;
    await soleVariantMigration.down(db);
    await soleVariantMigration.up(db);
    const docs = await db.selectFrom('search_document').select(['product_id', 'sole_variant_id']).where('product_id', 'in', Object.values(ids)).execute();
    const byProduct = Object.fromEntries(docs.map((d) => [d.product_id, d.sole_variant_id]));
    const candleVariant = (await db.selectFrom('product_variant').select('id').where('product_id', '=', ids.candle!).executeTakeFirstOrThrow()).id;
    expect(byProduct).toEqual({ [ids.notebook!]: soleVariantId, [ids.apron!]: null, [ids.candle!]: candleVariant });
  });
});
