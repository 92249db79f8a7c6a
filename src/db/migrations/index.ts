import type { Migration } from 'kysely';
import * as catalogCreateTables from './2026_11_27_0900_catalog_create_tables.js';
import * as encryptionCreateTables from './2026_11_27_1100_encryption_create_tables.js';
import * as auditCreateEvent from './2026_11_27_1110_audit_create_event.js';
import * as authCreateTables from './2026_11_27_1200_auth_create_tables.js';
import * as staffCreateTables from './2026_11_27_1300_staff_create_tables.js';
import * as customersCreateTables from './2026_11_27_1310_customers_create_tables.js';
import * as authExternalIdentity from './2026_11_27_1320_auth_external_identity.js';
import * as authPasskeys from './2026_11_27_1330_auth_passkeys.js';
import * as auditEventIndexes from './2026_11_27_1340_audit_event_indexes.js';
import * as outboxCreateJob from './2026_12_01_1000_outbox_create_job.js';
import * as authRecentReauthentication from './2026_12_01_1100_auth_recent_reauthentication.js';
import * as outboxMailCooldown from './2026_12_01_1600_outbox_mail_cooldown.js';
import * as catalogModel from './2026_12_01_1900_catalog_model.js';
import * as inventoryCreateTables from './2026_12_01_1910_inventory_create_tables.js';
import * as searchCreateDocument from './2026_12_01_1920_search_create_document.js';
import * as staffContentEditorRole from './2026_12_01_1930_staff_content_editor_role.js';
import * as searchWord from './2026_12_01_1960_search_word.js';
import * as catalogCategoryNewestIndex from './2026_12_01_1990_catalog_category_newest_index.js';
import * as cartCreateTables from './2026_12_02_2000_cart_create_tables.js';
import * as pricingCreateTables from './2026_12_02_2010_pricing_create_tables.js';
import * as paymentsCreateTables from './2026_12_02_2030_payments_create_tables.js';
import * as ordersCreateTables from './2026_12_02_2050_orders_create_tables.js';
import * as checkoutCreateSession from './2026_12_02_2070_checkout_create_session.js';
import * as checkoutIdempotencyKey from './2026_12_02_2080_checkout_idempotency_key.js';
import * as searchDocumentSoleVariant from './2026_12_02_2090_search_document_sole_variant.js';
import * as checkoutSessionRequestHash from './2026_12_02_2100_checkout_session_request_hash.js';

/**
 * Every migration, by name. Listed by hand rather than discovered on disk, so the same list works
 * under tsx, Vitest and the compiled release; a test checks that no file in this folder is missing.
 */
export const migrations: Record<string, Migration> = {
  '2026_11_27_0900_catalog_create_tables': catalogCreateTables,
  '2026_11_27_1100_encryption_create_tables': encryptionCreateTables,
  '2026_11_27_1110_audit_create_event': auditCreateEvent,
  '2026_11_27_1200_auth_create_tables': authCreateTables,
  '2026_11_27_1300_staff_create_tables': staffCreateTables,
  '2026_11_27_1310_customers_create_tables': customersCreateTables,
  '2026_11_27_1320_auth_external_identity': authExternalIdentity,
  '2026_11_27_1330_auth_passkeys': authPasskeys,
  '2026_11_27_1340_audit_event_indexes': auditEventIndexes,
  '2026_12_01_1000_outbox_create_job': outboxCreateJob,
  '2026_12_01_1100_auth_recent_reauthentication': authRecentReauthentication,
  '2026_12_01_1600_outbox_mail_cooldown': outboxMailCooldown,
  '2026_12_01_1900_catalog_model': catalogModel,
  '2026_12_01_1910_inventory_create_tables': inventoryCreateTables,
  '2026_12_01_1920_search_create_document': searchCreateDocument,
  '2026_12_01_1930_staff_content_editor_role': staffContentEditorRole,
  '2026_12_01_1960_search_word': searchWord,
  '2026_12_01_1990_catalog_category_newest_index': catalogCategoryNewestIndex,
  '2026_12_02_2000_cart_create_tables': cartCreateTables,
  '2026_12_02_2010_pricing_create_tables': pricingCreateTables,
  '2026_12_02_2030_payments_create_tables': paymentsCreateTables,
  '2026_12_02_2050_orders_create_tables': ordersCreateTables,
  '2026_12_02_2070_checkout_create_session': checkoutCreateSession,
  '2026_12_02_2080_checkout_idempotency_key': checkoutIdempotencyKey,
  '2026_12_02_2090_search_document_sole_variant': searchDocumentSoleVariant,
  '2026_12_02_2100_checkout_session_request_hash': checkoutSessionRequestHash,
};
