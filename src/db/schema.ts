import type { AuditTables } from '../modules/audit/audit.tables.js';
import type { AuthTables } from '../modules/auth/auth.tables.js';
import type { CartTables } from '../modules/cart/cart.tables.js';
import type { CatalogTables } from '../modules/catalog/catalog.tables.js';
import type { CheckoutTables } from '../modules/checkout/checkout.tables.js';
import type { CustomersTables } from '../modules/customers/customers.tables.js';
import type { InventoryTables } from '../modules/inventory/inventory.tables.js';
import type { SearchTables } from '../modules/search/search.tables.js';
import type { EncryptionTables } from '../modules/encryption/encryption.tables.js';
import type { OrdersTables } from '../modules/orders/orders.tables.js';
import type { OutboxTables } from '../modules/outbox/outbox.tables.js';
import type { PricingTables } from '../modules/pricing/pricing.tables.js';
import type { PaymentsTables } from '../modules/payments/payments.tables.js';
import type { StaffTables } from '../modules/staff/staff.tables.js';

/**
 * Row types of every table, by table name, composed from each module's `<module>.tables.ts`. Each module
 * owns its tables: only its repository touches them.
 */
export interface Database extends CatalogTables, EncryptionTables, AuditTables, AuthTables, CustomersTables, StaffTables, OutboxTables, InventoryTables, SearchTables,
  CartTables, PricingTables, CheckoutTables, PaymentsTables, OrdersTables {}
