import { sql } from 'kysely';
import type { Db } from '../../src/db/database.js';
import type { TestApp } from '../support/test-app.js';

/** Variants of the seeded catalog, each given a price, a weight and stock of the test's choosing. */
export interface TestVariant {
  id: string;
  productId: string;
}

export async function pickVariants(db: Db, n: number, offset = 0): Promise<TestVariant[]> {
  // One variant per product, so archiving one product archives one line.
  const rows = await sql<{ id: string; product_id: string }>`
    select distinct on (v.product_id) v.id, v.product_id from product_variant v join product p on p.id = v.product_id
    where p.status = 'active' order by v.product_id, v.sku`.execute(db);
  return rows.rows.slice(offset, offset + n).map((r) => ({ id: r.id, productId: r.product_id }));
}

/** Test set-up of catalog facts pricing reads (a price, a weight): written directly, as an import would. */
export async function setVariant(db: Db, id: string, fields: { price?: number; weightGrams?: number }): Promise<void> {
  await db
    .updateTable('product_variant')
    .set({ ...(fields.price !== undefined ? { price_amount: fields.price } : {}), ...(fields.weightGrams !== undefined ? { weight_grams: fields.weightGrams } : {}) })
    .where('id', '=', id)
    .execute();
}

/** Sets on hand through the inventory service (the ledger explains every level), nothing reserved. */
export async function setStock(t: TestApp, variantId: string, onHand: number): Promise<void> {
  await t.database.db.transaction().execute(async (trx) => {
    const level = await t.inventory.level(variantId, trx);
    if (level.reserved > 0) await t.inventory.release(trx, [{ variantId, quantity: level.reserved }], 'test-reset');
    const delta = onHand - level.onHand;
    if (delta !== 0) await t.inventory.adjust(trx, { variantId, delta, reason: 'Test set-up', actor: 'test' });
  });
}

export async function clearPricing(db: Db): Promise<void> {
  await db.deleteFrom('discount_redemption').execute();
  await db.deleteFrom('discount_code').execute();
  await db.deleteFrom('shipping_method').execute();
  await db.deleteFrom('tax_rate').execute();
}
