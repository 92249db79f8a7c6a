import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setStock } from '../pricing/pricing-fixtures.js';
import type { TestApp } from '../support/test-app.js';
import { openShop, Shopper, ukAddress, type Shop } from './checkout-support.js';

/**
 * The JSON checkout's Idempotency-Key under races a single request never meets: a stranger replaying a
 * key while its owner's order is still being placed, identical requests at once over the last unit, and a
 * cart changed while an order waits for it. Each holds a row lock in a second transaction to open the
 * window on purpose, so it needs two connections: PostgreSQL only (PGlite has one).
 */
describe.runIf(process.env.DATABASE_URL)('checkout keys under races', () => {
  let t: TestApp;
  let base: string;
  let shop: Shop;
  beforeAll(async () => {
    ({ t, base, shop } = await openShop());
  });
  afterAll(async () => {
    await t?.close();
  });

  const body = (extra: Record<string, unknown> = {}) => ({ email: 'ada@example.com', shippingAddress: ukAddress, shippingMethodId: shop.standard, provider: 'test', ...extra });
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const orderIdOf = (json: Record<string, unknown>) => (json.order as { id: string } | undefined)?.id;
  const linesOf = (orderId: string) => t.database.db.selectFrom('order_line').select(['variant_id', 'quantity']).where('order_id', '=', orderId).execute();
  const cartOf = async (s: Shopper) => {
    const res = await s.api('GET', '/api/v1/cart');
    return res.json as { id: string; lines: { variantId: string; quantity: number }[] };
  };

  /** Holds the open carts' rows locked until `release()`: orders placed meanwhile wait inside their transaction. */
  const holdCarts = async (ids: string[]) => {
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = t.database.db.transaction().execute(async (trx) => {
      await sql`select id from cart where id in (${sql.join(ids)}) for update`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    return async () => {
      release();
      await holder;
    };
  };

  it('refuses a stranger who replays a key and its body with a cart of their own while the owner’s order is being placed: 422, nothing of the owner’s read or ordered', async () => {
    for (const v of shop.variants) await setStock(t, v.id, 10);
    const owner = new Shopper(base);
    await owner.add(shop.variants[0]!.id, 2);
    const stranger = new Shopper(base);
    await stranger.add(shop.variants[1]!.id, 1);
    const ownerCart = await cartOf(owner);
    const strangerCart = await cartOf(stranger);
    const key = randomUUID();
    const release = await holdCarts([ownerCart.id]);
    // The owner's request writes its checkout row, then waits for its cart inside the order's transaction.
    const owners = owner.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key });
    await expect.poll(() => t.database.db.selectFrom('checkout_session').select('id').where('attempt_key', '=', `api:${key}`).execute().then((r) => r.length), { timeout: 10_000 }).toBe(1);
    const strangers = await stranger.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key });
    expect(strangers.status).toBe(422);
    expect(strangers.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    expect(strangers.json.order).toBeUndefined();
    expect(strangers.json.payment).toBeUndefined();
    await release();
    const answer = await owners;
    expect(answer.status).toBe(201);
    // The owner's order is the owner's cart; the stranger's cart is untouched and still theirs.
    expect(await linesOf(orderIdOf(answer.json)!)).toEqual([{ variant_id: shop.variants[0]!.id, quantity: 2 }]);
    const after = await cartOf(stranger);
    expect(after.id).toBe(strangerCart.id);
    expect(after.lines.map((l) => [l.variantId, l.quantity])).toEqual([[shop.variants[1]!.id, 1]]);
    const row = await t.database.db.selectFrom('checkout_session').select(['cart_id', 'customer_id']).where('attempt_key', '=', `api:${key}`).executeTakeFirstOrThrow();
    expect(row).toEqual({ cart_id: ownerCart.id, customer_id: null });
  });

  it('refuses the stranger also once the owner’s attempt failed (sold out), and lets the owner retry the same key when stock is back', async () => {
    await setStock(t, shop.variants[0]!.id, 10);
    const owner = new Shopper(base);
    await owner.add(shop.variants[0]!.id, 2);
    const stranger = new Shopper(base);
    await stranger.add(shop.variants[1]!.id, 1);
    const key = randomUUID();
    const ownerCart = await cartOf(owner);
    const release = await holdCarts([ownerCart.id]);
    const owners = owner.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key });
    await expect.poll(() => t.database.db.selectFrom('checkout_session').select('id').where('attempt_key', '=', `api:${key}`).execute().then((r) => r.length), { timeout: 10_000 }).toBe(1);
    // The stock goes while the owner waits: their order is refused as sold out.
    await setStock(t, shop.variants[0]!.id, (await t.inventory.level(shop.variants[0]!.id)).reserved + 1);
    await release();
    const failed = await owners;
    expect(failed.status).toBe(409);
    const strangers = await stranger.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key });
    expect(strangers.status).toBe(422);
    expect(strangers.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    expect((await cartOf(stranger)).lines).toHaveLength(1);
    await setStock(t, shop.variants[0]!.id, 10);
    const retried = await owner.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key });
    expect(retried.status).toBe(201);
    expect(await linesOf(orderIdOf(retried.json)!)).toEqual([{ variant_id: shop.variants[0]!.id, quantity: 2 }]);
  });

  it('answers four identical requests over the last unit with one order, none "sold out", and keeps the key tied to that body', async () => {
    for (let round = 0; round < 4; round++) {
      const s = new Shopper(base);
      await setStock(t, shop.variants[0]!.id, 10);
      await s.add(shop.variants[0]!.id, 1);
      await setStock(t, shop.variants[0]!.id, (await t.inventory.level(shop.variants[0]!.id)).reserved + 1);
      const key = randomUUID();
      const answers = await Promise.all(Array.from({ length: 4 }, () => s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': key })));
      expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 201]);
      expect(new Set(answers.map((a) => orderIdOf(a.json))).size).toBe(1);
      const other = await s.api('POST', '/api/v1/checkout', body({ shippingMethodId: shop.express }), { 'idempotency-key': key });
      expect(other.status).toBe(422);
      expect(other.json.code).toBe('CHECKOUT_IDEMPOTENCY_KEY_REUSED');
    }
  });

  it('orders the cart as it was committed when the order got its lock, not as it was when the order began to wait', async () => {
    await setStock(t, shop.variants[0]!.id, 10);
    const s = new Shopper(base);
    await s.add(shop.variants[0]!.id, 2);
    const cart = await cartOf(s);
    let changed!: () => void;
    const isChanged = new Promise<void>((r) => (changed = r));
    // Another tab lowers the quantity and commits a moment after the order began to wait for the cart.
    const tab = t.database.db.transaction().execute(async (trx) => {
      await sql`select id from cart where id = ${cart.id} for update`.execute(trx);
      await sql`update cart_line set quantity = 1 where cart_id = ${cart.id}`.execute(trx);
      changed();
      await sleep(500);
    });
    await isChanged;
    const res = await s.api('POST', '/api/v1/checkout', body(), { 'idempotency-key': randomUUID() });
    await tab;
    expect(res.status).toBe(201);
    expect(await linesOf(orderIdOf(res.json)!)).toEqual([{ variant_id: shop.variants[0]!.id, quantity: 1 }]);
  });
});
