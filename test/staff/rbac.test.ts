import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { staffRoles, type StaffRole } from '../../src/kernel/permissions.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { createVerifiedAccount, goodPassword, newEmail, signIn } from '../support/accounts.js';
import { createSignedInStaff } from '../support/staff.js';

/**
 * Role-based access to the back office, checked over HTTP with real signed-in sessions against a table
 * written by hand from docs/security.md ("Staff roles and permissions") and not from the matrix in
 * src/modules/staff/permissions.ts:
 *
 *   staff.read   owner, admin, auditor          staff.write  owner, admin
 *   audit.read   owner, admin, auditor          no permission named: every staff member
 *   outbox.manage  owner, admin
 *   catalog.read   every role                      catalog.write  owner, admin, catalog_manager, content_editor
 *   inventory.write  owner, admin, catalog_manager, order_manager
 *   customers.read   owner, admin, order_manager, support, auditor     customers.write  owner, admin, support
 *   orders.read    owner, admin, catalog_manager, order_manager, support, auditor
 *   orders.fulfil  owner, admin, order_manager, support     orders.refund  owner, admin, order_manager
 *   settings.read  owner, admin, auditor           settings.write  owner, admin
 *   promotions.write  owner, admin, catalog_manager
 *
 * A customer's session is refused everywhere that needs staff, and a request without a session is sent to
 * sign in. The routes come from the running app, so an admin route added without a row here fails the test.
 */

type Who = StaffRole | 'customer' | 'anonymous';
const everyone: readonly Who[] = [...staffRoles, 'customer', 'anonymous'];

interface Outcome {
  status: number;
  /** The problem `code` of a JSON answer. */
  code?: string;
  /** Where a redirect goes. */
  location?: string;
  /** Text an HTML answer shows. */
  text?: string;
}

// The answers, named once.
const ok: Outcome = { status: 200 };
const created: Outcome = { status: 201 };
const apiDenied: Outcome = { status: 403, code: 'STAFF_ACCESS_DENIED' };
const apiSignIn: Outcome = { status: 401, code: 'AUTH_SIGN_IN_REQUIRED' };
const pageDenied: Outcome = { status: 403, text: 'You do not have access to this page' };
const notStaffPage: Outcome = { status: 403, text: 'not on the shop' };
const toSignIn: Outcome = { status: 303, location: '/admin/sign-in' };
const toHome: Outcome = { status: 303, location: '/admin' };
const noSuchMember: Outcome = { status: 404, code: 'STAFF_NOT_FOUND' };
const noSuchInvitation: Outcome = { status: 404, code: 'STAFF_INVITATION_NOT_FOUND' };
const noSuchJob: Outcome = { status: 404, code: 'OUTBOX_JOB_NOT_FOUND' };
const pageNotFound: Outcome = { status: 404 };
const noFileSent: Outcome = { status: 400, code: 'MEDIA_FILE_REQUIRED' };
const invitedPage: Outcome = { status: 303, location: '/admin/staff?done=invited' };
const badInvitationPage: Outcome = { status: 400, text: 'This invitation cannot be used' };
const wrongPasswordPage: Outcome = { status: 401, text: 'The e-mail address or password is not right' };
const noSuchProduct: Outcome = { status: 404, code: 'CATALOG_PRODUCT_NOT_FOUND' };
const categoryUnknown: Outcome = { status: 400, code: 'CATALOG_CATEGORY_UNKNOWN' };
const importInvalid: Outcome = { status: 400, code: 'CATALOG_IMPORT_INVALID' };
const toProducts: Outcome = { status: 303, location: '/admin/products' };
const badForm: Outcome = { status: 400, text: 'There is a problem' };
const noSuchVariant: Outcome = { status: 404, code: 'INVENTORY_VARIANT_NOT_FOUND' };
const noSuchCategory: Outcome = { status: 404, code: 'CATALOG_CATEGORY_NOT_FOUND' };
const noSuchCollection: Outcome = { status: 404, code: 'CATALOG_COLLECTION_NOT_FOUND' };
const noSuchOrder: Outcome = { status: 404, code: 'ORDER_NOT_FOUND' };

/** The same answer for every staff role, and the usual ones for a customer and a stranger. */
const allStaff = (o: Outcome, api: boolean): Record<Who, Outcome> => ({
  owner: o, admin: o, catalog_manager: o, order_manager: o, support: o, content_editor: o, auditor: o,
  customer: api ? apiDenied : notStaffPage, anonymous: api ? apiSignIn : toSignIn,
});
/** `o` for the roles listed, refused for the other staff roles. */
const only = (roles: readonly StaffRole[], o: Outcome, api: boolean): Record<Who, Outcome> => ({
  ...allStaff(api ? apiDenied : pageDenied, api),
  ...Object.fromEntries(roles.map((r) => [r, o])),
});
const catalogWriters: readonly StaffRole[] = ['owner', 'admin', 'catalog_manager', 'content_editor'];
const stockWriters: readonly StaffRole[] = ['owner', 'admin', 'catalog_manager', 'order_manager'];
const customerReaders: readonly StaffRole[] = ['owner', 'admin', 'order_manager', 'support', 'auditor'];
const customerRevealers: readonly StaffRole[] = ['owner', 'admin', 'support'];
const orderReaders: readonly StaffRole[] = ['owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'auditor'];
const orderFulfillers: readonly StaffRole[] = ['owner', 'admin', 'order_manager', 'support'];
const orderRefunders: readonly StaffRole[] = ['owner', 'admin', 'order_manager'];
const settingsReaders: readonly StaffRole[] = ['owner', 'admin', 'auditor'];
const settingsWriters: readonly StaffRole[] = ['owner', 'admin'];
const promotionWriters: readonly StaffRole[] = ['owner', 'admin', 'catalog_manager'];

/**
 * Every admin route and page, method by method, and what each caller gets. Targets in paths are ids that
 * do not exist, so an allowed change answers "not found" and a refused one "denied" without changing
 * anything; the two inviting routes really invite.
 */
const expected: Record<string, Record<Who, Outcome>> = {
  // --- the staff API ------------------------------------------------------------------------------------
  'GET /api/v1/admin/me': { owner: ok, admin: ok, catalog_manager: ok, order_manager: ok, support: ok, content_editor: ok, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  'GET /api/v1/admin/staff': { owner: ok, admin: ok, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/staff/invitations': { owner: created, admin: created, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'DELETE /api/v1/admin/staff/invitations/:id': { owner: noSuchInvitation, admin: noSuchInvitation, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'PATCH /api/v1/admin/staff/:userId': { owner: noSuchMember, admin: noSuchMember, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'DELETE /api/v1/admin/staff/:userId': { owner: noSuchMember, admin: noSuchMember, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/staff/:userId/sign-out': { owner: noSuchMember, admin: noSuchMember, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  // --- the audit API ------------------------------------------------------------------------------------
  'GET /api/v1/admin/audit-events': { owner: ok, admin: ok, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  'GET /api/v1/admin/audit-events.csv': { owner: ok, admin: ok, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  // --- the outbox's dead jobs ------------------------------------------------------------------------------
  'GET /api/v1/admin/outbox/dead-jobs': { owner: ok, admin: ok, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/outbox/dead-jobs/:id/retry': { owner: noSuchJob, admin: noSuchJob, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/outbox/dead-jobs/:id/discard': { owner: noSuchJob, admin: noSuchJob, catalog_manager: apiDenied, order_manager: apiDenied, support: apiDenied, content_editor: apiDenied, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  // --- products: catalog.read for every role, catalog.write for owner, admin, catalog_manager, content_editor
  'GET /api/v1/admin/catalog/products': { owner: ok, admin: ok, catalog_manager: ok, order_manager: ok, support: ok, content_editor: ok, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/catalog/products': { owner: categoryUnknown, admin: categoryUnknown, catalog_manager: categoryUnknown, order_manager: apiDenied, support: apiDenied, content_editor: categoryUnknown, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'GET /api/v1/admin/catalog/products/export.csv': { owner: ok, admin: ok, catalog_manager: ok, order_manager: ok, support: ok, content_editor: ok, auditor: ok, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/catalog/products/import': { owner: importInvalid, admin: importInvalid, catalog_manager: importInvalid, order_manager: apiDenied, support: apiDenied, content_editor: importInvalid, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/catalog/products/status': { owner: ok, admin: ok, catalog_manager: ok, order_manager: apiDenied, support: apiDenied, content_editor: ok, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'GET /api/v1/admin/catalog/products/:id': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: noSuchProduct, support: noSuchProduct, content_editor: noSuchProduct, auditor: noSuchProduct, customer: apiDenied, anonymous: apiSignIn },
  'PATCH /api/v1/admin/catalog/products/:id': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: apiDenied, support: apiDenied, content_editor: noSuchProduct, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/catalog/products/:id/archive': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: apiDenied, support: apiDenied, content_editor: noSuchProduct, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'GET /admin/products': { owner: ok, admin: ok, catalog_manager: ok, order_manager: ok, support: ok, content_editor: ok, auditor: ok, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/status': { owner: toProducts, admin: toProducts, catalog_manager: toProducts, order_manager: pageDenied, support: pageDenied, content_editor: toProducts, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/products/new': { owner: ok, admin: ok, catalog_manager: ok, order_manager: pageDenied, support: pageDenied, content_editor: ok, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/new': { owner: badForm, admin: badForm, catalog_manager: badForm, order_manager: pageDenied, support: pageDenied, content_editor: badForm, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/products/import': { owner: ok, admin: ok, catalog_manager: ok, order_manager: pageDenied, support: pageDenied, content_editor: ok, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/import': { owner: badForm, admin: badForm, catalog_manager: badForm, order_manager: pageDenied, support: pageDenied, content_editor: badForm, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/products/:id': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageNotFound, support: pageNotFound, content_editor: pageNotFound, auditor: pageNotFound, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/products/:id/archive': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id/archive': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  // --- media and product images (the body carries no file: an allowed caller is told so) -------------------
  'POST /api/v1/admin/media/images': { owner: noFileSent, admin: noFileSent, catalog_manager: noFileSent, order_manager: apiDenied, support: apiDenied, content_editor: noFileSent, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'GET /api/v1/admin/catalog/products/:id/images': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: noSuchProduct, support: noSuchProduct, content_editor: noSuchProduct, auditor: noSuchProduct, customer: apiDenied, anonymous: apiSignIn },
  'POST /api/v1/admin/catalog/products/:id/images': { owner: noFileSent, admin: noFileSent, catalog_manager: noFileSent, order_manager: apiDenied, support: apiDenied, content_editor: noFileSent, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'PATCH /api/v1/admin/catalog/products/:id/images/:imageId': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: apiDenied, support: apiDenied, content_editor: noSuchProduct, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'DELETE /api/v1/admin/catalog/products/:id/images/:imageId': { owner: noSuchProduct, admin: noSuchProduct, catalog_manager: noSuchProduct, order_manager: apiDenied, support: apiDenied, content_editor: noSuchProduct, auditor: apiDenied, customer: apiDenied, anonymous: apiSignIn },
  'GET /admin/products/:id/images': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id/images': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id/images/:imageId/alt': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id/images/:imageId/move': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/products/:id/images/:imageId/remove': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/products/:id/images/:imageId/remove': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageNotFound, order_manager: pageDenied, support: pageDenied, content_editor: pageNotFound, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  // --- stock -----------------------------------------------------------------------------------------------
  'GET /api/v1/admin/inventory': allStaff(ok, true),
  'GET /api/v1/admin/inventory/:variantId': allStaff(noSuchVariant, true),
  'POST /api/v1/admin/inventory/:variantId/adjustments': only(stockWriters, noSuchVariant, true),
  'PUT /api/v1/admin/inventory/:variantId/threshold': only(stockWriters, noSuchVariant, true),
  'GET /admin/inventory': allStaff(ok, false),
  'GET /admin/inventory/:variantId': allStaff(pageNotFound, false),
  'POST /admin/inventory/:variantId/adjust': only(stockWriters, pageNotFound, false),
  'POST /admin/inventory/:variantId/threshold': only(stockWriters, pageNotFound, false),
  // --- orders ----------------------------------------------------------------------------------------------
  'GET /api/v1/admin/orders': only(orderReaders, ok, true),
  'GET /api/v1/admin/orders/stats': only(orderReaders, ok, true),
  'GET /api/v1/admin/orders/:id': only(orderReaders, noSuchOrder, true),
  'POST /api/v1/admin/orders/:id/fulfilments': only(orderFulfillers, noSuchOrder, true),
  'POST /api/v1/admin/orders/:id/delivered': only(orderFulfillers, noSuchOrder, true),
  'POST /api/v1/admin/orders/:id/cancel': only(orderFulfillers, noSuchOrder, true),
  'POST /api/v1/admin/orders/:id/refunds': only(orderRefunders, noSuchOrder, true),
  'POST /api/v1/admin/orders/:id/mails': only(orderFulfillers, noSuchOrder, true),
  'GET /admin/orders': only(orderReaders, ok, false),
  'GET /admin/orders/:number': only(orderReaders, pageNotFound, false),
  'POST /admin/orders/:number/fulfil': only(orderFulfillers, pageNotFound, false),
  'POST /admin/orders/:number/delivered': only(orderFulfillers, pageNotFound, false),
  'POST /admin/orders/:number/cancel': only(orderFulfillers, pageNotFound, false),
  'POST /admin/orders/:number/refund': only(orderRefunders, pageNotFound, false),
  'POST /admin/orders/:number/resend': only(orderFulfillers, pageNotFound, false),
  'GET /admin/pricing/tax-rates': only(settingsReaders, ok, false),
  'GET /admin/pricing/tax-rates/new': only(settingsWriters, ok, false),
  'POST /admin/pricing/tax-rates': only(settingsWriters, badForm, false),
  'GET /admin/pricing/tax-rates/:id': only(settingsWriters, pageNotFound, false),
  'POST /admin/pricing/tax-rates/:id': only(settingsWriters, pageNotFound, false),
  'POST /admin/pricing/tax-rates/:id/delete': only(settingsWriters, pageNotFound, false),
  'GET /admin/pricing/shipping': only(settingsReaders, ok, false),
  'GET /admin/pricing/shipping/new': only(settingsWriters, ok, false),
  'POST /admin/pricing/shipping': only(settingsWriters, badForm, false),
  'GET /admin/pricing/shipping/:id': only(settingsWriters, pageNotFound, false),
  'POST /admin/pricing/shipping/:id': only(settingsWriters, pageNotFound, false),
  'POST /admin/pricing/shipping/:id/active': only(settingsWriters, pageNotFound, false),
  'GET /admin/pricing/discounts': only(promotionWriters, ok, false),
  'GET /admin/pricing/discounts/new': only(promotionWriters, ok, false),
  'POST /admin/pricing/discounts': only(promotionWriters, badForm, false),
  'GET /admin/pricing/discounts/:id': only(promotionWriters, pageNotFound, false),
  'POST /admin/pricing/discounts/:id': only(promotionWriters, pageNotFound, false),
  'POST /admin/pricing/discounts/:id/active': only(promotionWriters, pageNotFound, false),
  // --- categories and collections -----------------------------------------------------------------------
  'GET /api/v1/admin/catalog/categories': allStaff(ok, true),
  'POST /api/v1/admin/catalog/categories': only(catalogWriters, created, true),
  'PUT /api/v1/admin/catalog/categories/order': only(catalogWriters, noSuchCategory, true),
  'GET /api/v1/admin/catalog/categories/:id': allStaff(noSuchCategory, true),
  'PATCH /api/v1/admin/catalog/categories/:id': only(catalogWriters, noSuchCategory, true),
  'DELETE /api/v1/admin/catalog/categories/:id': only(catalogWriters, noSuchCategory, true),
  'GET /api/v1/admin/catalog/collections': allStaff(ok, true),
  'POST /api/v1/admin/catalog/collections': only(catalogWriters, created, true),
  'GET /api/v1/admin/catalog/collections/:id': allStaff(noSuchCollection, true),
  'PATCH /api/v1/admin/catalog/collections/:id': only(catalogWriters, noSuchCollection, true),
  'DELETE /api/v1/admin/catalog/collections/:id': only(catalogWriters, noSuchCollection, true),
  'GET /admin/categories': allStaff(ok, false),
  'GET /admin/categories/new': only(catalogWriters, ok, false),
  'POST /admin/categories': only(catalogWriters, badForm, false),
  'GET /admin/categories/:id': allStaff(pageNotFound, false),
  'POST /admin/categories/:id': only(catalogWriters, pageNotFound, false),
  'POST /admin/categories/:id/move': only(catalogWriters, pageNotFound, false),
  'GET /admin/categories/:id/delete': only(catalogWriters, pageNotFound, false),
  'POST /admin/categories/:id/delete': only(catalogWriters, pageNotFound, false),
  'GET /admin/collections': allStaff(ok, false),
  'GET /admin/collections/new': only(catalogWriters, ok, false),
  'POST /admin/collections': only(catalogWriters, badForm, false),
  'GET /admin/collections/:id': allStaff(pageNotFound, false),
  'POST /admin/collections/:id': only(catalogWriters, pageNotFound, false),
  'GET /admin/collections/:id/delete': only(catalogWriters, pageNotFound, false),
  'POST /admin/collections/:id/delete': only(catalogWriters, pageNotFound, false),
  // --- customers: customers.read lists and shows (masked), customers.write reveals ---------------------------
  'GET /admin/customers': only(customerReaders, ok, false),
  'GET /admin/customers/:id': only(customerReaders, pageNotFound, false),
  'POST /admin/customers/:id/reveal': only(customerRevealers, pageNotFound, false),
  // --- back-office pages ----------------------------------------------------------------------------------
  'GET /admin': { owner: ok, admin: ok, catalog_manager: ok, order_manager: ok, support: ok, content_editor: ok, auditor: ok, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/staff': { owner: ok, admin: ok, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: ok, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/staff/invitations': { owner: invitedPage, admin: invitedPage, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/staff/invitations/:id/revoke': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/staff/:userId/role': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/staff/:userId/remove': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/staff/:userId/remove': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/staff/:userId/sign-out': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/audit': { owner: ok, admin: ok, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: ok, customer: notStaffPage, anonymous: toSignIn },
  'GET /admin/outbox': { owner: ok, admin: ok, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/outbox/dead-jobs/:id/retry': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  'POST /admin/outbox/dead-jobs/:id/discard': { owner: pageNotFound, admin: pageNotFound, catalog_manager: pageDenied, order_manager: pageDenied, support: pageDenied, content_editor: pageDenied, auditor: pageDenied, customer: notStaffPage, anonymous: toSignIn },
  // --- getting in: open to every caller, the same for every role ------------------------------------------
  'GET /admin/sign-in': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: ok, anonymous: ok },
  'POST /admin/sign-in': { owner: wrongPasswordPage, admin: wrongPasswordPage, catalog_manager: wrongPasswordPage, order_manager: wrongPasswordPage, support: wrongPasswordPage, content_editor: wrongPasswordPage, auditor: wrongPasswordPage, customer: wrongPasswordPage, anonymous: wrongPasswordPage },
  'GET /admin/mfa': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: toHome, anonymous: toSignIn },
  'GET /admin/mfa-setup': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: toSignIn, anonymous: toSignIn },
  'POST /admin/mfa-setup': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: toSignIn, anonymous: toSignIn },
  'POST /admin/mfa-setup/confirm': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: toSignIn, anonymous: toSignIn },
  'GET /admin/invitations/accept': { owner: badInvitationPage, admin: badInvitationPage, catalog_manager: badInvitationPage, order_manager: badInvitationPage, support: badInvitationPage, content_editor: badInvitationPage, auditor: badInvitationPage, customer: badInvitationPage, anonymous: badInvitationPage },
  'POST /admin/invitations/accept': { owner: badInvitationPage, admin: badInvitationPage, catalog_manager: badInvitationPage, order_manager: badInvitationPage, support: badInvitationPage, content_editor: badInvitationPage, auditor: badInvitationPage, customer: badInvitationPage, anonymous: badInvitationPage },
};

/**
 * Routes whose answer is the same for everyone whatever they send and which end the caller's session, so
 * they run last: signing out is open to anyone and always goes back to the sign-in page.
 */
const signedOut: Outcome = { status: 303, location: '/admin/sign-in?done=signed-out' };
const last: Record<string, Record<Who, Outcome>> = {
  'POST /admin/mfa': { owner: toHome, admin: toHome, catalog_manager: toHome, order_manager: toHome, support: toHome, content_editor: toHome, auditor: toHome, customer: toHome, anonymous: toSignIn },
  'POST /admin/sign-out': { owner: signedOut, admin: signedOut, catalog_manager: signedOut, order_manager: signedOut, support: signedOut, content_editor: signedOut, auditor: signedOut, customer: signedOut, anonymous: signedOut },
};

const unknownId = '7d1f3a52-3c55-4a8e-9d0f-2b8c1e4d5f60';

/** What to send to a route: its path with the unknown id in each parameter, and a body its schema accepts. */
function requestFor(route: string): { method: string; url: string; form?: Record<string, string>; json?: Record<string, unknown> } {
  const [method = '', path = ''] = route.split(' ');
  const url = path.replace(/:[A-Za-z]+/g, unknownId);
  const forms: Record<string, Record<string, string>> = {
    'POST /admin/staff/invitations': { email: newEmail('rbac-page'), role: 'support' },
    'POST /admin/staff/:userId/role': { role: 'support' },
    'POST /admin/products/status': { status: 'draft' },
    'POST /admin/sign-in': { email: newEmail('rbac-nobody'), password: 'not-the-password-at-all' },
    'POST /admin/mfa': { code: '000000' },
    'POST /admin/mfa-setup/confirm': { code: '000000' },
    'POST /admin/invitations/accept': { token: 'A'.repeat(43), password: goodPassword },
    'POST /admin/products/:id/images/:imageId/alt': { alt: 'Front view' },
    'POST /admin/products/:id/images/:imageId/move': { direction: 'up' },
    'POST /admin/inventory/:variantId/adjust': { direction: 'add', quantity: '1', reason: 'Stock count' },
    'POST /admin/inventory/:variantId/threshold': { threshold: '3' },
    'POST /admin/categories': { name: '' },
    'POST /admin/categories/:id': { name: 'Renamed' },
    'POST /admin/categories/:id/move': { direction: 'up' },
    'POST /admin/collections': { title: '' },
    'POST /admin/collections/:id': { title: 'Renamed', kind: 'manual' },
    'POST /admin/orders/:number/fulfil': { carrier: 'Royal Mail' },
    'POST /admin/orders/:number/cancel': { reason: 'Access check' },
    'POST /admin/orders/:number/refund': { amount: '1.00', reason: 'Access check' },
    'POST /admin/orders/:number/resend': { mail: 'confirmation' },
  };
  const json: Record<string, Record<string, unknown>> = {
    'POST /api/v1/admin/staff/invitations': { email: newEmail('rbac-api'), role: 'support' },
    'PATCH /api/v1/admin/staff/:userId': { role: 'support' },
    'POST /api/v1/admin/staff/:userId/sign-out': {},
    'POST /api/v1/admin/outbox/dead-jobs/:id/retry': {},
    'POST /api/v1/admin/outbox/dead-jobs/:id/discard': {},
    'POST /api/v1/admin/inventory/:variantId/adjustments': { delta: 1, reason: 'Stock count' },
    'PUT /api/v1/admin/inventory/:variantId/threshold': { lowStockThreshold: 3 },
    'POST /api/v1/admin/catalog/categories': { name: `Access check ${newEmail('c').slice(0, 12)}` },
    'PUT /api/v1/admin/catalog/categories/order': { parentId: unknownId, ids: [unknownId] },
    'PATCH /api/v1/admin/catalog/categories/:id': { name: 'Renamed' },
    'POST /api/v1/admin/catalog/collections': { title: `Access check ${newEmail('c').slice(0, 12)}`, kind: 'manual' },
    'PATCH /api/v1/admin/catalog/collections/:id': { title: 'Renamed' },
    'POST /api/v1/admin/catalog/products': { name: 'Access probe', categoryId: unknownId },
    'POST /api/v1/admin/catalog/products/status': { ids: [unknownId], status: 'draft' },
    'PATCH /api/v1/admin/catalog/products/:id': { name: 'Access probe' },
    'POST /api/v1/admin/catalog/products/:id/archive': {},
    'PATCH /api/v1/admin/catalog/products/:id/images/:imageId': { alt: 'Front view' },
    'POST /api/v1/admin/orders/:id/fulfilments': { carrier: 'Royal Mail', trackingNumber: 'RM123456789GB' },
    'POST /api/v1/admin/orders/:id/delivered': {},
    'POST /api/v1/admin/orders/:id/cancel': { reason: 'Access check' },
    'POST /api/v1/admin/orders/:id/refunds': { amount: { amount: 100, currency: 'GBP' }, reason: 'Access check' },
    'POST /api/v1/admin/orders/:id/mails': { mail: 'confirmation' },
  };
  if (route === 'GET /admin/invitations/accept') return { method, url: `${url}?token=${'A'.repeat(43)}` };
  if (path.startsWith('/api/')) return { method, url, ...(json[route] ? { json: json[route] } : {}) };
  return { method, url, ...(method === 'GET' ? {} : { form: forms[route] ?? {} }) };
}

/** Every `METHOD /path` the app serves, read from Fastify's own route tree (HEAD left out: it is GET). */
function servedRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^(.*?)[├└]── (.+?) \(([A-Z, ]+)\)$/.exec(line);
    if (match === null) continue;
    const depth = [...match[1]!].length / 4;
    stack.length = depth;
    stack.push(match[2]!);
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push(`${method} ${stack.join('')}`);
  }
  return routes;
}

const isAdmin = (route: string) => /^[A-Z]+ \/(admin|api\/v1\/admin)(\/|\.|$)/.test(route.replace(/ \/\//, ' /'));

interface Caller {
  who: Who;
  userId: string | undefined;
  cookies: Map<string, string>;
  csrf: string;
}

let t: TestApp;
const callers = new Map<Who, Caller>();

function keep(caller: Caller, res: LightMyRequestResponse): void {
  const header = res.headers['set-cookie'];
  for (const c of header === undefined ? [] : Array.isArray(header) ? header : [header]) {
    const [pair = ''] = c.split(';');
    const eq = pair.indexOf('=');
    if (pair.slice(eq + 1) === '' || /Max-Age=0/i.test(c)) caller.cookies.delete(pair.slice(0, eq));
    else caller.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
}

async function send(caller: Caller, route: string, head = false): Promise<LightMyRequestResponse> {
  const r = requestFor(route);
  const cookie = [...caller.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const headers: Record<string, string> = { ...(cookie ? { cookie } : {}), ...(r.url.startsWith('/api/') ? {} : { accept: 'text/html' }) };
  const res = await t.app.inject({
    method: (head ? 'HEAD' : r.method) as 'GET',
    url: r.url,
    headers: {
      ...headers,
      ...(r.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      ...(r.method !== 'GET' ? { 'x-csrf-token': caller.csrf } : {}),
    },
    ...(r.form ? { payload: new URLSearchParams({ _csrf: caller.csrf, ...r.form }).toString() } : {}),
    ...(r.json ? { payload: r.json } : {}),
  });
  keep(caller, res);
  return res;
}

/** A caller with a session (or none) and the CSRF cookie and token a page gave it, as a browser has. */
async function callerFor(who: Who): Promise<Caller> {
  const caller: Caller = { who, userId: undefined, cookies: new Map(), csrf: '' };
  if (who === 'customer') {
    const email = await createVerifiedAccount(t, newEmail('rbac-customer'));
    const [name = '', value = ''] = (await signIn(t, email)).split('=');
    caller.cookies.set(name, value);
  } else if (who !== 'anonymous') {
    const staff = await createSignedInStaff(t, who);
    const [name = '', value = ''] = staff.cookie.split('=');
    caller.cookies.set(name, value);
    caller.userId = staff.userId;
  }
  const cookie = [...caller.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  const page = await t.app.inject({ url: who === 'customer' ? '/account/profile' : who === 'anonymous' ? '/admin/sign-in' : '/admin', headers: { accept: 'text/html', ...(cookie ? { cookie } : {}) } });
  keep(caller, page);
  const token = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1];
  if (token === undefined) throw new Error(`no form token for ${who} (${page.statusCode})`);
  caller.csrf = token;
  return caller;
}

function mismatch(res: LightMyRequestResponse, want: Outcome): string | undefined {
  const got: Outcome = { status: res.statusCode };
  if (want.code !== undefined) got.code = String(res.headers['content-type']).startsWith('application/problem+json') ? res.json<{ code: string }>().code : `(${String(res.headers['content-type'])})`;
  if (want.location !== undefined) got.location = String(res.headers.location);
  if (want.text !== undefined) got.text = res.body.includes(want.text) ? want.text : '(not in the page)';
  return JSON.stringify(got) === JSON.stringify(want) ? undefined : `got ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}

beforeAll(async () => {
  t = await createTestApp();
  for (const who of everyone) callers.set(who, await callerFor(who));
});
afterAll(async () => {
  await t?.close();
});

describe('role-based access to every back-office route and page', () => {
  it('has a hand-written expectation for every admin route the app serves, and no expectation for a route it does not serve', () => {
    const served = servedRoutes(t.app.printRoutes({ commonPrefix: false })).filter(isAdmin).sort();
    expect(served.length).toBeGreaterThan(20);
    expect(served).toEqual([...Object.keys(expected), ...Object.keys(last)].sort());
  });

  it('answers each role, a customer and a stranger exactly as the table says, for every method of every route (HEAD as GET), auditing each refusal', async () => {
    const wrong: string[] = [];
    for (const table of [expected, last]) {
      for (const [route, answers] of Object.entries(table)) {
        for (const who of everyone) {
          const caller = callers.get(who)!;
          const res = await send(caller, route);
          const problem = mismatch(res, answers[who]);
          if (problem !== undefined) wrong.push(`${who} ${route}: ${problem}`);
          if (route.startsWith('GET ') && table === expected) {
            const head = await send(caller, route, true);
            const headProblem = head.statusCode === res.statusCode ? undefined : `HEAD answered ${head.statusCode}, GET ${res.statusCode}`;
            if (headProblem !== undefined) wrong.push(`${who} HEAD ${route.slice(4)}: ${headProblem}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);

    // Every refusal of a staff member was written to the audit trail as staff.access_denied, and nothing
    // for the allowed calls.
    const permissionOf = (route: string): string | undefined =>
      /\/orders/.test(route) ? (route.includes('/refund') ? 'orders.refund' : route.startsWith('GET ') ? 'orders.read' : 'orders.fulfil') :
      /\/customers/.test(route) ? (route.endsWith('/reveal') ? 'customers.write' : 'customers.read') :
      /inventory/.test(route) ? 'inventory.write' : /categories|collections|products|media/.test(route) ? 'catalog.write' :
      route.includes('/audit') ? 'audit.read' : route.startsWith('GET /api/v1/admin/staff') || route === 'GET /admin/staff' ? 'staff.read' : /\/staff/.test(route) ? 'staff.write' : undefined;
    for (const role of staffRoles) {
      const { userId } = callers.get(role)!;
      const deniedRoutes = Object.entries(expected).filter(([, answers]) => answers[role] === apiDenied || answers[role] === pageDenied);
      const wantByPermission = new Map<string, number>();
      for (const [route] of deniedRoutes) {
        const permission = permissionOf(route)!;
        // A GET page or API call is made twice (GET and HEAD).
        wantByPermission.set(permission, (wantByPermission.get(permission) ?? 0) + (route.startsWith('GET ') ? 2 : 1));
      }
      for (const permission of ['staff.read', 'staff.write', 'audit.read', 'inventory.write', 'catalog.write', 'orders.read', 'orders.fulfil', 'orders.refund', 'customers.read', 'customers.write']) {
        const events = (await t.audit.listForTarget('permission', permission, 1000)).filter((e) => e.actorId === userId);
        expect(events.length, `${role} ${permission}`).toBe(wantByPermission.get(permission) ?? 0);
        for (const event of events) expect(event, `${role} ${permission}`).toMatchObject({ action: 'staff.access_denied', outcome: 'denied', actorRole: role });
      }
    }
    // About a hundred routes for nine callers, each GET twice: minutes on a busy machine, not seconds.
  }, 900_000);
});
