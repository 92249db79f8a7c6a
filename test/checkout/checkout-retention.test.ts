import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { purgeJob } from '../../src/modules/checkout/index.js';
import { createVerifiedAccount, goodPassword, newEmail } from '../support/accounts.js';
import type { TestApp } from '../support/test-app.js';
import { openShop, type Shop, Shopper, ukContact } from './checkout-support.js';

const day = 24 * 3600 * 1000;

// A checkout in progress holds sealed personal data (e-mail and addresses): it goes with the account, is
// in the account's export, and is deleted by a recurring job once left untouched, whether or not anyone
// checks out again.
describe('checkout personal data and retention', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
  });
  afterAll(async () => t?.close());

  const sessionsOf = (column: 'customer_id' | 'cart_id', value: string) =>
    t.database.db.selectFrom('checkout_session').select(['id', 'details_encrypted']).where(column, '=', value).execute();

  /** A shopper (signed in when `email` is given) who has added an item and saved the contact step. */
  const startCheckout = async (email?: string) => {
    const s = new Shopper(base);
    if (email !== undefined) {
      const signedIn = await s.api('POST', '/api/v1/auth/sign-in', { email, password: goodPassword });
      expect(signedIn.status).toBe(200);
    }
    await s.add(shop.variants[0]!.id, 1);
    await s.get('/checkout');
    expect((await s.post('/checkout', { ...ukContact, email: email ?? ukContact.email })).location).toBe('/checkout/shipping');
    return s;
  };
  const cartIdOf = async (s: Shopper) => (await s.api('GET', '/api/v1/cart')).json.id as string;

  it('puts a signed-in customer’s open checkout in their data export, and erases it with the account', async () => {
    const email = await createVerifiedAccount(t, newEmail('checkout-export'));
    const s = await startCheckout(email);
    const me = await s.api('GET', '/api/v1/me');
    const userId = me.json.id as string;
    expect(await sessionsOf('customer_id', userId)).toHaveLength(1);

    const exported = await s.api('GET', '/api/v1/me/export');
    expect(exported.status).toBe(200);
    const checkouts = exported.json.checkouts as { details: { email: string; shipping: Record<string, unknown> } | null; orderNumber: string | null }[];
    expect(checkouts).toHaveLength(1);
    expect(checkouts[0]!.details?.email).toBe(email);
    expect(checkouts[0]!.details?.shipping).toMatchObject({ name: 'Ada Lovelace', line1: ukContact.shipLine1, country: 'GB' });
    expect(checkouts[0]!.orderNumber).toBeNull();

    const deleted = await s.api('POST', '/api/v1/me/delete', { password: goodPassword });
    expect(deleted.status).toBe(200);
    expect(await sessionsOf('customer_id', userId)).toEqual([]);
  });

  it('deletes checkouts left untouched past 30 days by the recurring checkout.purge job, keeping recent ones', async () => {
    const abandoned = await startCheckout();
    const abandonedCart = await cartIdOf(abandoned);
    expect(await sessionsOf('cart_id', abandonedCart)).toHaveLength(1);
    t.clock.advance(31 * day);
    const recent = await startCheckout();
    const recentCart = await cartIdOf(recent);
    // Starting a checkout does not purge: the job does.
    expect(await sessionsOf('cart_id', abandonedCart)).toHaveLength(1);

    await t.outbox.drain();
    expect(await sessionsOf('cart_id', abandonedCart)).toEqual([]);
    expect(await sessionsOf('cart_id', recentCart)).toHaveLength(1);
    const ran = await t.database.db.selectFrom('outbox_job').select(['status', 'run_at']).where('type', '=', purgeJob).execute();
    expect(ran.some((j) => j.status === 'done')).toBe(true);
    // The next run is already written.
    expect(ran.some((j) => j.status === 'ready' && j.run_at > t.clock.now)).toBe(true);
  });
});
