import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../support/test-app.js';
import { countRows, openShop, type Shop, Shopper, ukAddress } from './checkout-support.js';

/**
 * Unpaid orders hold stock until their hold expires, so one address (or customer) may hold only
 * ORDER_MAX_UNPAID of them at once: placing orders nobody pays for must not take a product off sale.
 */
describe('the cap on unpaid orders per address', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop({ ORDER_MAX_UNPAID: '2', ORDER_HOLD_MINUTES: '30' }));
  });
  afterAll(async () => t?.close());

  const checkout = async (email: string, quantity = 1) => {
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, quantity);
    return s.api('POST', '/api/v1/checkout', { email, shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test' }, { 'idempotency-key': randomUUID() });
  };

  it('refuses a third unpaid order for one address, in any spelling, with 429 ORDER_TOO_MANY_UNPAID and nothing written, and lets it order again once one is released', async () => {
    expect((await checkout('hoarder@example.com')).status).toBe(201);
    expect((await checkout('Hoarder@Example.com')).status).toBe(201);
    const before = { orders: await countRows(t.database.db, 'order'), payments: await countRows(t.database.db, 'payment'), reserved: (await t.inventory.level(shop.variants[0]!.id)).reserved };

    const refused = await checkout(' HOARDER@example.com ', 5);
    expect(refused.status).toBe(429);
    expect(refused.json.code).toBe('ORDER_TOO_MANY_UNPAID');
    expect(await countRows(t.database.db, 'order')).toBe(before.orders);
    expect(await countRows(t.database.db, 'payment')).toBe(before.payments);
    expect((await t.inventory.level(shop.variants[0]!.id)).reserved).toBe(before.reserved);

    // Another address is not held back by it.
    expect((await checkout('someone.else@example.com')).status).toBe(201);

    // Once the holds expire, the address may order again.
    t.clock.advance(31 * 60_000);
    await t.outbox.drain();
    expect((await checkout('hoarder@example.com')).status).toBe(201);
  });
});

describe('placing orders from one client address, with the shipped rate limits', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    ({ t, base, shop } = await openShop({}, { rules: 'shipped' }));
    await t.inventory.adjust(t.database.db, { variantId: shop.variants[0]!.id, delta: 100, reason: 'Test set-up', actor: 'test' });
  });
  afterAll(async () => t?.close());

  it('allows ten order placements in ten minutes and refuses the eleventh with 429, whatever the addresses', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const s = new Shopper(base);
      await s.add(shop.variants[0]!.id, 1);
      const res = await s.api('POST', '/api/v1/checkout', { email: `buyer${i}@example.com`, shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test' }, { 'idempotency-key': randomUUID() });
      statuses.push(res.status);
      if (i === 10) expect(res.json.code).toBe('RATE_LIMITED');
    }
    expect(statuses).toEqual([...Array<number>(10).fill(201), 429]);
  });
});
