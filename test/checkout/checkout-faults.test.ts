import { readFile } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { fromPglite, openDatabase, pgliteExtensions, type DatabaseHandle } from '../../src/db/database.js';
import { testPostgresUrl } from '../support/postgres.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { openTestDatabase } from '../support/test-database.js';
import { countRows, freePort, setUpShop, Shopper, ukContact, type Shop } from './checkout-support.js';

const postgresUrl = testPostgresUrl();

/** What a checkout could have half-written: none of it may change when placing fails. */
async function books(t: TestApp, shop: Shop) {
  return {
    orders: await countRows(t.database.db, 'order'),
    lines: await countRows(t.database.db, 'order_line'),
    payments: await countRows(t.database.db, 'payment'),
    reserved: (await t.inventory.level(shop.variants[0]!.id)).reserved,
    placed: (await t.database.db.selectFrom('checkout_session').select('id').where('order_id', 'is not', null).execute()).length,
  };
}

function expectUnavailable(res: { status: number; body: string; type: string }) {
  expect(res.status).toBe(503);
  expect(res.type).toMatch(/^application\/problem\+json/);
  expect(JSON.parse(res.body)).toMatchObject({ status: 503, code: 'SERVICE_UNAVAILABLE' });
  expect(res.body).not.toMatch(/lock|timeout|ECONN|terminat/i);
}

/** A shopper at the review step; returns the review form's attempt key. */
async function toReview(s: Shopper, shop: Shop): Promise<string> {
  await s.add(shop.variants[0]!.id, 2);
  await s.get('/checkout');
  expect((await s.post('/checkout', ukContact)).location).toBe('/checkout/shipping');
  await s.get('/checkout/shipping');
  await s.post('/checkout/shipping', { shippingMethodId: shop.standard });
  await s.get('/checkout/payment');
  await s.post('/checkout/payment', { provider: 'test' });
  return /name="attempt" value="([^"]+)"/.exec((await s.get('/checkout/review')).body)![1]!;
}

// The database goes away between the review and "Place order": a clear 503, nothing half-written, and the
// same form places the order once the database is back.
describe.skipIf(postgresUrl === undefined)('checkout while the database is locked mid-placing (PostgreSQL)', () => {
  let template: DatabaseHandle & { url?: string };
  let db: DatabaseHandle;
  let locker: pg.Client;
  let t: TestApp;
  let base: string;
  let shop: Shop;

  beforeAll(async () => {
    template = await openTestDatabase();
    db = await openDatabase({ kind: 'postgres', url: template.url!, poolSize: 3, sslCaFile: undefined, timeouts: { statementMs: 5_000, lockMs: 300, poolMs: 2_000 } });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestApp({ PUBLIC_URL: base }, { database: db });
    await t.app.listen({ port, host: '127.0.0.1' });
    shop = await setUpShop(t);
    locker = new pg.Client({ connectionString: template.url! });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await t?.app.close();
    await db?.close();
    await template?.close();
  });

  it('answers 503 when the order tables are locked after the stock was reserved, rolls everything back, and places once afterwards', async () => {
    const s = new Shopper(base);
    const attempt = await toReview(s, shop);
    const before = await books(t, shop);
    // The order's transaction reserves stock first and writes the order later: the lock stops it midway.
    await locker.query('begin');
    await locker.query('lock table "order", order_line, order_address, order_event in access exclusive mode');
    try {
      expectUnavailable(await s.post('/checkout/place', { attempt }));
    } finally {
      await locker.query('rollback');
    }
    expect(await books(t, shop)).toEqual(before);
    const placed = await s.post('/checkout/place', { attempt });
    expect(placed.status).toBe(303);
    const after = await books(t, shop);
    expect(after.orders).toBe(before.orders + 1);
    expect(after.reserved).toBe(before.reserved + 2);
  });
});

describe.skipIf(postgresUrl !== undefined)('checkout while the embedded database is held by another transaction (PGlite)', () => {
  it('answers 503 to "Place order" while the one connection is held, writes nothing, and places once it is free', async () => {
    const pglite = await PGlite.create({ loadDataDir: new Blob([await readFile(inject('dbTemplate'))]), extensions: pgliteExtensions });
    const shared = fromPglite(pglite, { statementMs: 5_000, lockMs: 2_000, poolMs: 500 });
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const t = await createTestApp({ PUBLIC_URL: base }, { database: shared });
    try {
      await t.app.listen({ port, host: '127.0.0.1' });
      const shop = await setUpShop(t);
      const s = new Shopper(base);
      const attempt = await toReview(s, shop);
      const before = await books(t, shop);
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let holding!: () => void;
      const held = new Promise<void>((resolve) => (holding = resolve));
      const long = shared.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        holding();
        await gate;
      });
      await held;
      try {
        expectUnavailable(await s.post('/checkout/place', { attempt }));
      } finally {
        release();
        await long;
      }
      expect(await books(t, shop)).toEqual(before);
      expect((await s.post('/checkout/place', { attempt })).status).toBe(303);
      expect((await books(t, shop)).orders).toBe(before.orders + 1);
    } finally {
      await t.close();
      await shared.close();
    }
  });
});
