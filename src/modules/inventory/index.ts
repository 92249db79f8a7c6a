/** The inventory module's public face: stock levels per variant and the ledger that explains them. */
export { createInventoryService, stockLevel, type InventoryService, type StockLevel, type VariantStock } from './inventory.service.js';
export type { OpeningLevel } from './inventory.repository.js';
