import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/database.js';
import { createInventoryService, OutOfStockError, type InventoryService } from '../../src/modules/inventory/index.js';
import { openTestDatabase } from '../support/test-database.js';

/**
 * The inventory service against a real database (PGlite, or PostgreSQL when DATABASE_URL is set): every
 * change a conditional update in the caller's transaction, written to the ledger, never below zero.
 */
let handle: Awaited<ReturnType<typeof openTestDatabase>>;
let db: Db;
let inventory: InventoryService;
const changes: string[][] = [];
let variants: { id: string; product_id: string }[];

/** Sets a variant's stock to `onHand` with nothing reserved, through the service (so the ledger holds it). */
async function stockOf(variantId: string, onHand: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const level = await inventory.level(variantId, trx);
    if (level.reserved > 0) await inventory.release(trx, [{ variantId, quantity: level.reserved }], 'test-reset');
    const delta = onHand - level.onHand;
    if (delta !== 0) await inventory.adjust(trx, { variantId, delta, reason: 'Test set-up', actor: 'test' });
  });
}

async function ledgerSums(variantId: string) {
  const { items } = await inventory.movements(variantId, { limit: 10_000, offset: 0 });
  return { onHand: items.reduce((s, m) => s + m.onHandDelta, 0), reserved: items.reduce((s, m) => s + m.reservedDelta, 0), count: items.length };
}

beforeAll(async () => {
  handle = await openTestDatabase();
  db = handle.db;
  inventory = createInventoryService({ db, onLevelsChanged: async (_trx, productIds) => void changes.push(productIds) });
  variants = await db.selectFrom('product_variant').select(['id', 'product_id']).orderBy('sku').limit(4).execute();
}, 60_000);

afterAll(async () => {
  await handle?.close();
});

describe('inventory service', () => {
  it('lets exactly one of 50 concurrent reservations of the last unit succeed; the other 49 are out of stock', async () => {
    const variantId = variants[0]!.id;
    await stockOf(variantId, 1);
    const attempts = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => db.transaction().execute((trx) => inventory.reserve(trx, [{ variantId, quantity: 1 }], `order:race-${i}`))),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(49);
    for (const l of lost) {
      expect(l.reason).toBeInstanceOf(OutOfStockError);
      expect(l.reason).toMatchObject({ code: 'INVENTORY_OUT_OF_STOCK', variantId, requested: 1, available: 0 });
    }
    const level = await inventory.level(variantId);
    expect(level).toMatchObject({ onHand: 1, reserved: 1, available: 0, level: 'sold_out' });
    const sums = await ledgerSums(variantId);
    expect({ onHand: sums.onHand, reserved: sums.reserved }).toEqual({ onHand: 1, reserved: 1 });
  });

  it('rolls back every line of a reservation when one line cannot be reserved, naming that variant', async () => {
    const [a, b] = [variants[1]!.id, variants[2]!.id];
    await stockOf(a, 5);
    await stockOf(b, 1);
    const before = (await ledgerSums(a)).count;
    const refused = await db
      .transaction()
      .execute((trx) => inventory.reserve(trx, [{ variantId: a, quantity: 2 }, { variantId: b, quantity: 2 }], 'order:two-lines'))
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(OutOfStockError);
    expect(refused).toMatchObject({ variantId: b, requested: 2, available: 1 });
    expect(await inventory.level(a)).toMatchObject({ onHand: 5, reserved: 0 });
    expect(await inventory.level(b)).toMatchObject({ onHand: 1, reserved: 0 });
    expect((await ledgerSums(a)).count).toBe(before);
  });

  it('refuses a negative adjustment below zero and changes nothing', async () => {
    const variantId = variants[1]!.id;
    await stockOf(variantId, 3);
    await db.transaction().execute((trx) => inventory.reserve(trx, [{ variantId, quantity: 1 }], 'order:held'));
    const before = await ledgerSums(variantId);
    // Three on hand, one of them reserved: only two may be removed.
    const refused = await db
      .transaction()
      .execute((trx) => inventory.adjust(trx, { variantId, delta: -3, reason: 'Damaged', actor: 'test' }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVENTORY_BELOW_ZERO', category: 'conflict' });
    expect(await inventory.level(variantId)).toMatchObject({ onHand: 3, reserved: 1, available: 2 });
    expect(await ledgerSums(variantId)).toEqual(before);
  });

  it('refuses an adjustment without a reason', async () => {
    const variantId = variants[1]!.id;
    const refused = await db
      .transaction()
      .execute((trx) => inventory.adjust(trx, { variantId, delta: 1, reason: '   ', actor: 'test' }))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVENTORY_REASON_REQUIRED', category: 'invalid_data' });
  });

  it('explains a level by its ledger through reservation, sale, release and return, each with the values after it', async () => {
    const variantId = variants[3]!.id;
    const productId = variants[3]!.product_id;
    await stockOf(variantId, 10);
    changes.length = 0;
    await db.transaction().execute(async (trx) => {
      await inventory.reserve(trx, [{ variantId, quantity: 4 }], 'order:1001', 'customer-1');
      await inventory.commitSale(trx, [{ variantId, quantity: 3 }], 'order:1001');
      await inventory.release(trx, [{ variantId, quantity: 1 }], 'order:1001');
      await inventory.returnToStock(trx, [{ variantId, quantity: 2 }], 'return:77');
      await inventory.adjust(trx, { variantId, delta: -1, reason: 'Damaged in storage', actor: 'staff-1' });
    });
    // 10 - 3 sold + 2 returned - 1 damaged = 8 on hand; 4 reserved - 3 sold - 1 released = 0.
    expect(await inventory.level(variantId)).toMatchObject({ onHand: 8, reserved: 0, available: 8 });
    const sums = await ledgerSums(variantId);
    expect({ onHand: sums.onHand, reserved: sums.reserved }).toEqual({ onHand: 8, reserved: 0 });
    const { items } = await inventory.movements(variantId, { limit: 5, offset: 0 });
    expect(items.map((m) => [m.kind, m.onHandDelta, m.reservedDelta, m.onHandAfter, m.reservedAfter]).reverse()).toEqual([
      ['reservation', 0, 4, 10, 4],
      ['sale', -3, -3, 7, 1],
      ['release', 0, -1, 7, 0],
      ['return', 2, 0, 9, 0],
      ['adjustment', -1, 0, 8, 0],
    ]);
    expect(items.find((m) => m.kind === 'adjustment')).toMatchObject({ reason: 'Damaged in storage', actor: 'staff-1' });
    expect(items.find((m) => m.kind === 'reservation')).toMatchObject({ reference: 'order:1001', actor: 'customer-1' });
    // The listener ran in each change's transaction with the product whose stock moved.
    expect(changes).toHaveLength(5);
    expect(changes.every((c) => c.length === 1 && c[0] === productId)).toBe(true);
  });

  it('refuses to sell or release more than is reserved', async () => {
    const variantId = variants[3]!.id;
    const refused = await db
      .transaction()
      .execute((trx) => inventory.commitSale(trx, [{ variantId, quantity: 1 }], 'order:none'))
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'INVENTORY_NOT_RESERVED' });
  });

  it('turns a variant to low stock at its threshold, and writes the change to the ledger', async () => {
    const variantId = variants[0]!.id;
    await stockOf(variantId, 4);
    await db.transaction().execute((trx) => inventory.setLowStockThreshold(trx, variantId, 3, 'staff-1'));
    expect(await inventory.level(variantId)).toMatchObject({ available: 4, level: 'in_stock' });
    await db.transaction().execute((trx) => inventory.setLowStockThreshold(trx, variantId, 4, 'staff-1'));
    expect(await inventory.level(variantId)).toMatchObject({ available: 4, level: 'low_stock' });
    const { items } = await inventory.movements(variantId, { limit: 1, offset: 0 });
    expect(items[0]).toMatchObject({ kind: 'adjustment', onHandDelta: 0, reservedDelta: 0, reason: 'Low-stock threshold 3 → 4' });
  });
});
