/**
 * The inventory module's public face: stock levels per variant and the ledger that explains them.
 *
 * The checkout's use, all inside the order's transaction (`trx`), each change a conditional update that
 * can never take a count below zero, each written to the ledger with the values after it:
 *
 *   await inventory.reserve(trx, [{ variantId, quantity: 2 }], `order:${number}`);   // or OutOfStockError
 *   await inventory.commitSale(trx, lines, `order:${number}`);    // paid/shipped: on hand and reserved down
 *   await inventory.release(trx, lines, `order:${number}`);       // cancelled: reserved down
 *   await inventory.returnToStock(trx, lines, `return:${id}`);    // returned: on hand up
 *
 * `reserve` throws `OutOfStockError` (code INVENTORY_OUT_OF_STOCK, `variantId`, `requested`,
 * `available`) for the first line it cannot reserve; let it roll the transaction back. Staff change stock
 * with `adjust(trx, { variantId, delta, reason, actor })` (a reason is required; INVENTORY_BELOW_ZERO
 * when it would remove reserved or missing units) and `setLowStockThreshold`. `movements(variantId)`
 * lists the ledger; its deltas sum to the level. `onLevelsChanged(trx, productIds)`, given to
 * `createInventoryService`, is called in the transaction of every change.
 */
export { inventoryAdmin } from './inventory.admin.js';
export { OutOfStockError } from './inventory.errors.js';
export {
  createInventoryService,
  stockLevel,
  type InventoryService,
  type Level,
  type LevelsChangedListener,
  type Movement,
  type StockLevel,
  type StockLine,
  type VariantStock,
} from './inventory.service.js';
export { createStockAdmin, type StockAdmin, type VariantDirectory, type VariantInfo } from './inventory.stock-admin.js';
export type { OpeningLevel, StockCell } from './inventory.repository.js';
