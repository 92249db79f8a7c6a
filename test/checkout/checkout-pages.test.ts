import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createVerifiedAccount, mailsTo, newEmail, signIn } from '../support/accounts.js';
import { setStock } from '../pricing/pricing-fixtures.js';
import type { TestApp } from '../support/test-app.js';
import { countRows, openShop, type Shop, Shopper, ukContact } from './checkout-support.js';

// The checkout without JavaScript, over real HTTP: each step a GET page and a POST form, then the test
// gateway's card and 3-D Secure pages, the return to the completion page, and the webhook the outbox job
// posts back to this same server.
describe('checkout pages (no JavaScript)', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
  });
  afterAll(async () => t?.close());
  beforeEach(async () => {
    for (const v of shop.variants) await setStock(t, v.id, 10);
  });

  /** A guest with `quantity` of the first variant in the cart, on the contact step. */
  const guestWithCart = async (quantity = 2) => {
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, quantity);
    const page = await s.get('/checkout');
    expect(page.status).toBe(200);
    return s;
  };

  /** Through the first three steps to the review page; returns the attempt key of the review form. */
  const toReview = async (s: Shopper, method = shop.standard) => {
    expect((await s.post('/checkout', ukContact)).location).toBe('/checkout/shipping');
    await s.get('/checkout/shipping');
    expect((await s.post('/checkout/shipping', { shippingMethodId: method })).location).toBe('/checkout/payment');
    await s.get('/checkout/payment');
    expect((await s.post('/checkout/payment', { provider: 'test' })).location).toBe('/checkout/review');
    const review = await s.get('/checkout/review');
    expect(review.status).toBe(200);
    return /name="attempt" value="([^"]+)"/.exec(review.body)![1]!;
  };

  const card = (number: string) => ({ number, expiry: '12 / 30', cvc: '123', name: 'Ada Lovelace' });

  it('takes a guest from the cart to a paid order with the 3-D Secure test card, and mails the confirmation', async () => {
    const ordersBefore = await countRows(t.database.db, 'order');
    const s = await guestWithCart(2);
    const contact = s.lastPage;
    expect(contact).toContain('<h1 class="checkout-title">Your details</h1>');
    expect(contact).toMatch(/aria-current="step"/);
    expect(contact).not.toContain('class="category-nav"');

    const attempt = await toReview(s);
    const review = s.lastPage;
    // The server's quote: 2 × £24.00 incl. VAT, standard delivery £3.95.
    expect(review).toContain('£48.00');
    expect(review).toContain('£3.95');
    expect(review).toContain('Place order · £51.95');
    expect(review).toContain('Ada@example.com');

    const placed = await s.post('/checkout/place', { attempt });
    expect(placed.status).toBe(303);
    const gateway = placed.location!;
    expect(await countRows(t.database.db, 'order')).toBe(ordersBefore + 1);
    const [order] = await t.database.db.selectFrom('order').select(['id', 'number', 'status']).orderBy('created_at', 'desc').limit(1).execute();
    expect(order!.status).toBe('pending_payment');

    // The test gateway's card page, then its 3-D Secure challenge.
    expect((await s.get(gateway)).status).toBe(200);
    const challenged = await s.post(gateway, card('4000 0027 6000 3184'));
    expect(challenged.location).toBe(`${gateway}/challenge`);
    await s.get(challenged.location!);
    const back = await s.post(`${gateway}/challenge`, { answer: 'complete' });
    expect(back.status).toBe(303);
    expect(back.location).toBe(`${base}/checkout/complete/${order!.number}`);

    // The redirect alone proves nothing; the page asks the gateway (payments.refresh) and shows the answer.
    const complete = await s.get(back.location!);
    expect(complete.status).toBe(200);
    expect(complete.body).toContain('Thank you for your order');
    expect(complete.body).toContain(order!.number);
    expect((await t.database.db.selectFrom('order').select('status').where('id', '=', order!.id).executeTakeFirstOrThrow()).status).toBe('paid');

    // The webhook arrives later over HTTP and changes nothing more; the confirmation is mailed once.
    await t.outbox.drain();
    const mails = (await mailsTo(t, 'Ada@example.com')).filter((m) => m.subject.includes(order!.number));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(new RegExp(`^Order ${order!.number} confirmed`));

    // The checkout forgot its copy of the address once the order held it.
    const row = await t.database.db.selectFrom('checkout_session').selectAll().where('order_number', '=', order!.number).executeTakeFirstOrThrow();
    expect(row.details_encrypted).toBeNull();
    // Placing the same form again (the review page's token and key) finds the same order, never a second one.
    s.lastPage = review;
    const again = await s.post('/checkout/place', { attempt });
    expect(again.status).toBe(303);
    expect(await countRows(t.database.db, 'order')).toBe(ordersBefore + 1);
  });

  it('lets a signed-in customer save the delivery address at checkout, and offers it on the next checkout', async () => {
    const email = await createVerifiedAccount(t, newEmail('saver'));
    const session = await signIn(t, email);
    const s = new Shopper(base);
    const [name, value] = session.split(';')[0]!.split('=');
    s.cookies.set(name!, value!);
    await s.add(shop.variants[0]!.id, 1);
    const contact = await s.get('/checkout');
    expect(contact.status).toBe(200);
    expect(contact.body).toMatch(/name="saveAddress" value="yes"/);
    const addressesOf = async () => (await t.app.inject({ url: '/api/v1/me/addresses', headers: { cookie: session } })).json<{ items?: unknown[] } | unknown[]>();
    const before = await addressesOf();
    const count = (list: { items?: unknown[] } | unknown[]) => (Array.isArray(list) ? list.length : (list.items?.length ?? 0));
    expect(count(before)).toBe(0);

    expect((await s.post('/checkout', { ...ukContact, email, saveAddress: 'yes' })).location).toBe('/checkout/shipping');
    // Nothing is saved until the order is placed.
    expect(count(await addressesOf())).toBe(0);
    await s.get('/checkout/shipping');
    expect((await s.post('/checkout/shipping', { shippingMethodId: shop.standard })).location).toBe('/checkout/payment');
    await s.get('/checkout/payment');
    expect((await s.post('/checkout/payment', { provider: 'test' })).location).toBe('/checkout/review');
    const review = await s.get('/checkout/review');
    const attempt = /name="attempt" value="([^"]+)"/.exec(review.body)![1]!;
    expect((await s.post('/checkout/place', { attempt })).status).toBe(303);

    const saved = await addressesOf();
    expect(count(saved)).toBe(1);
    expect(JSON.stringify(saved)).toContain('12 St James’s Square');
    expect(JSON.stringify(saved)).toContain('SW1Y 4JH');

    // The next checkout offers the saved address to pick instead of typing it again.
    await s.add(shop.variants[1]!.id, 1);
    const next = await s.get('/checkout');
    expect(next.status).toBe(200);
    expect(next.body).toMatch(/name="savedAddress"/);
    expect(next.body).toContain('12 St James’s Square');
  });

  it('seals the contact and addresses in the checkout row, bound to that row', async () => {
    const s = await guestWithCart();
    await s.post('/checkout', { ...ukContact, email: 'grace@example.com', shipName: 'Grace Hopper' });
    const ref = (rowId: string) => ({ table: 'checkout_session', column: 'details_encrypted', rowId });
    const rows = await t.database.db.selectFrom('checkout_session').selectAll().where('details_encrypted', 'is not', null).execute();
    const opened = await Promise.all(rows.map(async (r) => ({ r, text: await t.fieldEncryption.open(ref(r.id), r.details_encrypted!) })));
    const row = opened.find((o) => o.text.includes('grace@example.com'))!.r;
    const stored = Buffer.from(row.details_encrypted!);
    expect(stored.includes(Buffer.from('Hopper'))).toBe(false);
    expect(stored.includes(Buffer.from('grace'))).toBe(false);
    expect(stored.includes(Buffer.from('SW1Y'))).toBe(false);
    expect(JSON.parse(await t.fieldEncryption.open(ref(row.id), row.details_encrypted!))).toMatchObject({
      email: 'grace@example.com', shipping: { name: 'Grace Hopper', postalCode: 'SW1Y 4JH', country: 'GB' }, billing: null,
    });
    await expect(t.fieldEncryption.open(ref('00000000-0000-4000-8000-000000000000'), row.details_encrypted!)).rejects.toThrow();
  });

  describe('each step refuses bad input at its field and stores nothing', () => {
    it('contact: required fields, e-mail shape, country and postcode shape', async () => {
      const s = await guestWithCart();
      const before = await countRows(t.database.db, 'checkout_session');
      const empty = await s.post('/checkout', { email: '', billing: 'same' });
      expect(empty.status).toBe(400);
      expect(empty.body).toContain('There is a problem');
      for (const [field, message] of [
        ['email', 'Enter your e-mail address'],
        ['shipName', 'Enter the full name of the person receiving the parcel'],
        ['shipLine1', 'Enter the first line of the address'],
        ['shipCity', 'Enter the town or city'],
        ['shipCountry', 'Select the country'],
      ]) {
        expect(empty.body).toContain(`<a href="#${field}">${message}</a>`);
        expect(empty.body).toContain(`id="${field}-error"`);
      }
      const bad = await s.post('/checkout', { ...ukContact, email: 'ada@', shipCountry: 'XX', shipName: 'x'.repeat(101) });
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('Enter an e-mail address in the right format');
      expect(bad.body).toContain('Select a country from the list');
      expect(bad.body).toContain('Full name must be 100 characters or fewer');
      // The typed values are kept, so nothing has to be typed twice.
      expect(bad.body).toContain('value="12 St James’s Square"');
      const us = await s.post('/checkout', { ...ukContact, shipCountry: 'US', shipPostalCode: 'SW1Y 4JH' });
      expect(us.status).toBe(400);
      expect(us.body).toContain('Enter a real postcode for this country, like 94105 or 94105-1234');
      const billing = await s.post('/checkout', { ...ukContact, billing: 'different' });
      expect(billing.status).toBe(400);
      expect(billing.body).toContain('<a href="#billName">');
      expect(await countRows(t.database.db, 'checkout_session')).toBe(before);
    });

    it('delivery: an option not offered for the address is refused; before the contact step the page sends you back', async () => {
      const s = await guestWithCart();
      expect((await s.get('/checkout/shipping')).location).toBe('/checkout');
      await s.post('/checkout', ukContact);
      await s.get('/checkout/shipping');
      const none = await s.post('/checkout/shipping', {});
      expect(none.status).toBe(400);
      expect(none.body).toContain('<a href="#shippingMethodId">Choose a delivery option</a>');
      const other = await s.post('/checkout/shipping', { shippingMethodId: '00000000-0000-4000-8000-000000000000' });
      expect(other.status).toBe(400);
      expect(other.body).toContain('Choose one of the delivery options shown for this address');
      const rows = await t.database.db.selectFrom('checkout_session').select('shipping_method_id').where('shipping_method_id', 'is not', null).execute();
      expect(rows.every((r) => r.shipping_method_id === shop.standard || r.shipping_method_id === shop.express)).toBe(true);
      // Express is not offered to France: a French address cannot take it.
      await s.post('/checkout', { ...ukContact, shipCountry: 'FR', shipPostalCode: '75001', shipCity: 'Paris' });
      await s.get('/checkout/shipping');
      expect(s.lastPage).not.toContain('Express delivery');
      expect((await s.post('/checkout/shipping', { shippingMethodId: shop.express })).status).toBe(400);
    });

    it('payment: only a configured provider; the review needs every step', async () => {
      const s = await guestWithCart();
      await s.post('/checkout', ukContact);
      await s.get('/checkout/shipping');
      expect((await s.get('/checkout/review')).location).toBe('/checkout/shipping');
      await s.post('/checkout/shipping', { shippingMethodId: shop.standard });
      await s.get('/checkout/payment');
      const stripe = await s.post('/checkout/payment', { provider: 'stripe' });
      expect(stripe.status).toBe(400);
      expect(stripe.body).toContain('<a href="#provider">Choose how you would like to pay</a>');
      expect((await s.get('/checkout/review')).location).toBe('/checkout/payment');
    });

    it('refuses a form without its CSRF token (403) and a price sent along (400), changing nothing', async () => {
      const s = await guestWithCart();
      const before = await countRows(t.database.db, 'checkout_session');
      const forged = await s.post('/checkout', ukContact, { csrf: false });
      expect(forged.status).toBe(403);
      expect(JSON.parse(forged.body)).toMatchObject({ code: 'CSRF_REJECTED' });
      const priced = await s.post('/checkout', { ...ukContact, total: '1' });
      expect(priced.status).toBe(400);
      expect(JSON.parse(priced.body)).toMatchObject({ code: 'VALIDATION_FAILED' });
      expect(await countRows(t.database.db, 'checkout_session')).toBe(before);
    });

    it('a discount code that does not apply is refused at its field', async () => {
      const s = await guestWithCart();
      await toReview(s);
      const refused = await s.post('/checkout/discount', { discountCode: 'NOSUCHCODE' });
      expect(refused.status).toBe(400);
      expect(refused.body).toContain('<a href="#discountCode">');
      const row = await t.database.db.selectFrom('checkout_session').select('discount_code').where('discount_code', '=', 'NOSUCHCODE').executeTakeFirst();
      expect(row).toBeUndefined();
    });
  });

  it('sends an empty cart, or one with an archived item, back to the cart with a message', async () => {
    const empty = new Shopper(base);
    const page = await empty.get('/checkout');
    expect(page.status).toBe(303);
    expect(page.location).toBe('/cart?notice=checkout-empty');

    const s = await guestWithCart();
    await sql`update product set status = 'archived' where id = ${shop.variants[0]!.productId}`.execute(t.database.db);
    try {
      for (const path of ['/checkout', '/checkout/shipping', '/checkout/review']) {
        const answer = await s.get(path);
        expect(answer.status, path).toBe(303);
        expect(answer.location, path).toBe('/cart?notice=checkout-unavailable');
      }
    } finally {
      await sql`update product set status = 'active' where id = ${shop.variants[0]!.productId}`.execute(t.database.db);
    }
  });

  it('says which item sold out when it goes between the review and "Place order", and places nothing', async () => {
    const s = await guestWithCart(2);
    const attempt = await toReview(s);
    await setStock(t, shop.variants[0]!.id, 1);
    const ordersBefore = await countRows(t.database.db, 'order');
    const placed = await s.post('/checkout/place', { attempt });
    expect(placed.status).toBe(409);
    expect(placed.body).toContain('Your order could not be placed');
    const name = (await t.database.db.selectFrom('product').select('name').where('id', '=', shop.variants[0]!.productId).executeTakeFirstOrThrow()).name;
    expect(placed.body).toContain(name);
    expect(placed.body).toContain('href="/cart"');
    expect(await countRows(t.database.db, 'order')).toBe(ordersBefore);
    expect((await t.inventory.level(shop.variants[0]!.id)).reserved).toBe(0);
  });

  it('shows "Payment failed" with a way back to the cart when the card is declined, and the cart gets its items back', async () => {
    const s = await guestWithCart(1);
    const attempt = await toReview(s);
    const placed = await s.post('/checkout/place', { attempt });
    await s.get(placed.location!);
    const back = await s.post(placed.location!, card('4000 0000 0000 0002'));
    const complete = await s.get(back.location!);
    expect(complete.status).toBe(200);
    expect(complete.body).toContain('Payment failed');
    expect(complete.body).toContain('href="/cart"');
    const cart = await s.api('GET', '/api/v1/cart');
    expect((cart.json.lines as unknown[]).length).toBe(1);
    // Checking out again starts a new attempt with the details already filled in.
    const again = await s.get('/checkout');
    expect(again.status).toBe(200);
    expect(again.body).toContain('value="Ada@example.com"');
  });

  it('opens the completion page only for the browser that placed the order, or with the mail’s link', async () => {
    const s = await guestWithCart(1);
    const attempt = await toReview(s);
    const placed = await s.post('/checkout/place', { attempt });
    await s.get(placed.location!);
    const back = await s.post(placed.location!, card('4242 4242 4242 4242'));
    const path = new URL(back.location!).pathname;
    expect((await s.get(path)).status).toBe(200);
    const stranger = new Shopper(base);
    expect((await stranger.get(path)).status).toBe(404);
    expect((await stranger.get(`${path}?token=${'A'.repeat(43)}`)).status).toBe(404);
    const number = decodeURIComponent(path.split('/').pop()!);
    const order = await t.database.db.selectFrom('order').select('id').where('number', '=', number).executeTakeFirstOrThrow();
    const link = new URL(await t.orders.guestPathOf(order.id), base);
    expect((await stranger.get(`${path}?token=${link.searchParams.get('token')}`)).status).toBe(200);
  });
});
