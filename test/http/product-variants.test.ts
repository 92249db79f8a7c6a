import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../support/test-app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => t?.close());

const html = { accept: 'text/html' };
const page = async (url: string) => {
  const res = await t.app.inject({ url, headers: html });
  return { status: res.statusCode, body: res.body };
};

/** The text of the element carrying a data-* hook, e.g. data-variant-stock. */
function hooked(body: string, hook: string): string | undefined {
  const match = new RegExp(`<[a-z]+ [^>]*${hook}[^>]*>([\\s\\S]*?)</`).exec(body);
  return match?.[1]?.trim();
}

/** The value checked in the picker's fieldset for an option. */
function checked(body: string, option: string): string | undefined {
  return new RegExp(`<input class="pill__input" type="radio" id="[^"]+" name="${option}" value="([^"]+)" checked`).exec(body)?.[1];
}

describe('product page: the variant chosen on the server (no JavaScript)', () => {
  it('picks the variant named by its option values and shows its price, stock line and SKU', async () => {
    const { status, body } = await page('/p/single-origin-beans?Colour=Ethiopia&Size=1+kg');
    expect(status).toBe(200);
    // 1 kg costs £11.00 + £23.00; Ethiopia in 1 kg is seeded with one bag left.
    expect(body).toContain('<span class="price__current">£34.00</span>');
    expect(hooked(body, 'data-variant-stock')).toBe('Only 1 left');
    expect(hooked(body, 'data-variant-sku')).toBe('SINGLE-ORIGIN-BEANS-ETHIOPIA-1-KG');
    expect(checked(body, 'Colour')).toBe('Ethiopia');
    expect(checked(body, 'Size')).toBe('1 kg');
    expect(body).not.toContain('data-variant-note');
  });

  it('shows the first variant for sale when the URL names none', async () => {
    const { body } = await page('/p/single-origin-beans');
    expect(hooked(body, 'data-variant-sku')).toBe('SINGLE-ORIGIN-BEANS-ETHIOPIA-250-G');
    expect(body).toContain('<span class="price__current">£11.00</span>');
    expect(hooked(body, 'data-variant-stock')).toBe('Only 2 left');
  });

  it('honours a sold-out combination and says "Sold out"; sold-out values stay visible and are labelled', async () => {
    const { body } = await page('/p/pocket-tee?Colour=Heather+Grey&Size=M');
    expect(hooked(body, 'data-variant-sku')).toBe('POCKET-TEE-HEATHER-GREY-M');
    expect(hooked(body, 'data-variant-stock')).toBe('Sold out');
    expect(body).not.toContain('data-variant-note');
    // Every size of Heather Grey is sold out: each pill is there, struck through and named as sold out.
    for (const size of ['XS', 'S', 'M', 'L', 'XL']) {
      expect(body).toMatch(new RegExp(`<label class="pill__label pill__label--out" for="option-1-\\d" data-state="sold_out">${size}<span class="visually-hidden" data-state-text="true">, sold out</span></label>`));
    }
  });

  it('shows the compare-at price and the saving of a variant on sale', async () => {
    const { body } = await page('/p/heavyweight-hoodie?Colour=Forest&Size=L');
    expect(body).toContain('<span class="visually-hidden">Sale price</span><span class="price__current price__current--sale">£78.00</span>');
    expect(body).toContain('<s class="price__compare">£92.00</s>');
    expect(hooked(body, 'data-variant-saving')).toBe('Save £14.00 (15%)');
    expect(hooked(body, 'data-variant-sku')).toBe('HEAVYWEIGHT-HOODIE-FOREST-L');
  });

  it('shows the image of the chosen colour, and an image asked for by number wins', async () => {
    const clay = await page('/p/ridge-stoneware-mug?Colour=Clay');
    expect(clay.body).toMatch(/<div class="gallery__main" data-gallery-main="true"><picture>(<source [^>]+>)*<img src="[^"]+" alt="Ridge Stoneware Mug in clay"/);
    // The thumbnails keep the choice, so picking an image does not lose the variant.
    expect(clay.body).toContain('href="/p/ridge-stoneware-mug?Colour=Clay&amp;image=1"');
    const first = await page('/p/ridge-stoneware-mug?Colour=Clay&image=1');
    expect(first.body).toMatch(/data-gallery-main="true"><picture>(<source [^>]+>)*<img src="[^"]+" alt="Ridge Stoneware Mug in sage"/);
    expect(hooked(first.body, 'data-variant-sku')).toBe('RIDGE-STONEWARE-MUG-CLAY');
  });

  it('picks a variant by id (?variant=)', async () => {
    const product = await t.catalog.getProduct('heavyweight-hoodie');
    const forestXl = product.variants.find((v) => v.sku === 'HEAVYWEIGHT-HOODIE-FOREST-XL')!;
    const { body } = await page(`/p/heavyweight-hoodie?variant=${forestXl.id}`);
    expect(hooked(body, 'data-variant-sku')).toBe('HEAVYWEIGHT-HOODIE-FOREST-XL');
    expect(checked(body, 'Size')).toBe('XL');
  });

  it('falls back to the first variant for sale, with a note, for an unknown value, an unknown id or an impossible combination', async () => {
    for (const query of ['Colour=Purple', 'Colour=Clay&Size=XXXL', 'variant=00000000-0000-0000-0000-000000000000', 'Colour=Ethiopia&Size=Medium']) {
      const url = query.startsWith('Colour=Ethiopia') ? `/p/single-origin-beans?${query}` : `/p/pocket-tee?${query}`;
      const { status, body } = await page(url);
      expect(status, url).toBe(200);
      expect(hooked(body, 'data-variant-note'), url).toMatch(/^That combination is not available, so this shows (Clay \/ XS|Ethiopia \/ 250 g)\.$/);
      expect(hooked(body, 'data-variant-sku'), url).toBe(url.includes('pocket-tee') ? 'POCKET-TEE-CLAY-XS' : 'SINGLE-ORIGIN-BEANS-ETHIOPIA-250-G');
    }
  });

  it('takes a partial choice to the first matching variant still for sale', async () => {
    const { body } = await page('/p/pocket-tee?Size=S');
    expect(hooked(body, 'data-variant-sku')).toBe('POCKET-TEE-CLAY-S');
    expect(hooked(body, 'data-variant-stock')).toBe('Only 1 left');
  });

  it('ignores parameters that name no option, and answers an oversized or repeated value with the fallback', async () => {
    const extra = await page('/p/pocket-tee?utm_source=mail&Colour=Clay&Size=S');
    expect(extra.status).toBe(200);
    expect(hooked(extra.body, 'data-variant-sku')).toBe('POCKET-TEE-CLAY-S');
    const huge = await page(`/p/pocket-tee?Colour=${'x'.repeat(2000)}`);
    expect(huge.status).toBe(200);
    expect(hooked(huge.body, 'data-variant-note')).toBe('That combination is not available, so this shows Clay / XS.');
    expect(huge.body).not.toContain('x'.repeat(100));
    const repeated = await page('/p/pocket-tee?Size=S&Size=M');
    expect(repeated.status).toBe(200);
    expect(hooked(repeated.body, 'data-variant-sku')).toBe('POCKET-TEE-CLAY-XS');
    const tooMany = await t.app.inject({ url: `/p/pocket-tee?${Array.from({ length: 25 }, (_, i) => `o${i}=v`).join('&')}`, headers: { accept: 'application/json' } });
    expect(tooMany.statusCode).toBe(400);
    expect(tooMany.json<{ code: string }>().code).toBe('VALIDATION_FAILED');
  });

  it('is a GET form to the same page, one radio group per option, with a submit button for use without JavaScript', async () => {
    const { body } = await page('/p/organic-cotton-tee');
    expect(body).toMatch(/<form class="variant-picker" action="\/p\/organic-cotton-tee" method="get" data-variant-picker="true"/);
    expect(body.match(/<fieldset class="variant-picker__option">/g)).toHaveLength(2);
    expect(body).toMatch(/<legend>Colour<span class="variant-picker__chosen" aria-hidden="true" data-chosen-value="true">White<\/span><\/legend>/);
    expect(body).toContain('<button type="submit" class="button button--secondary variant-picker__submit" data-picker-submit="true">Show this choice</button>');
    // The enhancing script is our own hashed file, never inline.
    expect(body).toMatch(/<script src="\/assets\/variant-picker\.[0-9a-f]{12}\.js" integrity="sha384-[A-Za-z0-9+/]+=*" crossorigin="anonymous" defer><\/script>/);
    expect(body).not.toMatch(/<script>|<script [^>]*type="(?!application\/(ld\+)?json)/);
  });

  it('fills the purchase slot with a form post that adds the chosen variant, and promises no delivery or returns terms', async () => {
    const { body } = await page('/p/organic-cotton-tee?Colour=White&Size=M');
    const slot = /<div class="product__purchase" data-purchase="true">([\s\S]*?)<\/div><p class="visually-hidden"/.exec(body)?.[1] ?? '';
    expect(slot).toMatch(/<form class="add-to-cart" method="post" action="\/cart\/items"/);
    const variantId = /name="variantId" value="([0-9a-f-]{36})"/.exec(slot)?.[1];
    const sku = hooked(body, 'data-variant-sku');
    const row = await t.database.db.selectFrom('product_variant').select('id').where('sku', '=', sku ?? '').executeTakeFirstOrThrow();
    expect(variantId).toBe(row.id);
    expect(slot).toMatch(/<button type="submit"[^>]*>Add to cart<\/button>/);
    expect(body).not.toMatch(/free (uk )?delivery|free returns|30-day returns|secure checkout/i);
  });
});
