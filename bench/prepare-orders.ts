import { loadConfig } from '../src/config.js';
import { createInventoryService } from '../src/modules/inventory/index.js';
import { seedDemoPricing } from '../src/modules/pricing/index.js';
import { openRuntime } from '../src/runtime.js';

/**
 * Readies the bench's PostgreSQL database for the buying scenarios, through the app's own services: the demo tax
 * rates and shipping methods (when the database has none), and enough stock on one variant of the
 * measured product that a run never sells out (added by a ledgered adjustment, as staff would).
 * Sends `{ variantId }` to the parent; the shipping method is asked of the running app, as a shopper's
 * cart would.
 */
const config = loadConfig({ ...process.env, PORT: '0' });
const runtime = await openRuntime(config);
const db = runtime.database.db;
try {
  const [productId, variantId] = process.argv.slice(2);
  if (!productId || !variantId) throw new Error('usage: prepare-orders.ts <productId> <variantId>');
  await seedDemoPricing(db, config.shop.currency);
  const variant = { id: variantId };
  const inventory = createInventoryService({ db });
  const level = await inventory.level(variant.id).catch(() => undefined);
  const want = 1_000_000;
  if (level === undefined) await db.transaction().execute((trx) => inventory.openLevels(trx, [{ variantId: variant.id, productId, onHand: want }], 'bench stock'));
  else if (level.onHand - level.reserved < want / 2) {
    await db.transaction().execute((trx) => inventory.adjust(trx, { variantId: variant.id, delta: want, reason: 'bench stock', actor: 'system' }));
  }
  process.send?.({ variantId: variant.id });
} finally {
  await runtime.database.close();
}
