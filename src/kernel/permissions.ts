/**
 * Staff roles and the permission matrix. Every back-office route and staff API names one permission
 * and the server checks it on every request (staff.guard.ts); the navigation only hides what a role
 * cannot open. docs/security.md shows this matrix as a table; a test keeps the two in step.
 *
 * Least privilege: `auditor` reads everything and changes nothing; only `owner` may grant, change or
 * remove the `owner` role (staff.service.ts enforces that, it is not a permission of its own).
 */
export const staffRoles = ['owner', 'admin', 'catalog_manager', 'order_manager', 'support', 'content_editor', 'auditor'] as const;
export type StaffRole = (typeof staffRoles)[number];

/** A signed-in staff member as every back-office request sees them: the account, its role, its session. */
export interface StaffPrincipal {
  userId: string;
  role: StaffRole;
  sessionId: string;
}

export const permissions = [
  'catalog.read',
  'catalog.write',
  // Setting or changing a variant's price or compare-at price (products may be written without it).
  'catalog.prices',
  // Stock adjustments and low-stock thresholds (src/modules/inventory); reading stock needs catalog.read.
  'inventory.write',
  'promotions.write',
  'orders.read',
  'orders.fulfil',
  'orders.refund',
  'customers.read',
  'customers.write',
  'settings.read',
  'settings.write',
  'staff.read',
  'staff.write',
  'audit.read',
  // Dead jobs of the transactional outbox: list, retry, discard (src/modules/outbox).
  'outbox.manage',
] as const;
export type Permission = (typeof permissions)[number];

const all: readonly Permission[] = permissions;
const readOnly: readonly Permission[] = permissions.filter((p) => p.endsWith('.read'));

export const rolePermissions: Readonly<Record<StaffRole, readonly Permission[]>> = {
  owner: all,
  admin: all,
  catalog_manager: ['catalog.read', 'catalog.write', 'catalog.prices', 'inventory.write', 'promotions.write', 'orders.read'],
  order_manager: ['catalog.read', 'inventory.write', 'orders.read', 'orders.fulfil', 'orders.refund', 'customers.read'],
  support: ['catalog.read', 'orders.read', 'orders.fulfil', 'customers.read', 'customers.write'],
  content_editor: ['catalog.read', 'catalog.write'],
  auditor: readOnly,
};

export function can(role: StaffRole, permission: Permission): boolean {
  return rolePermissions[role].includes(permission);
}

export function isStaffRole(value: unknown): value is StaffRole {
  return typeof value === 'string' && (staffRoles as readonly string[]).includes(value);
}

/** What the staff page shows for each role. */
export const roleLabels: Readonly<Record<StaffRole, string>> = {
  owner: 'Owner',
  admin: 'Administrator',
  catalog_manager: 'Catalog manager',
  order_manager: 'Order manager',
  support: 'Support',
  content_editor: 'Content editor',
  auditor: 'Auditor',
};
