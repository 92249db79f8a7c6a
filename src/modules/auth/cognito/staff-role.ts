import { staffRoles, type StaffRole } from '../../../kernel/permissions.js';

/**
 * The staff role a user's `cognito:groups` give: the groups named like a role (infra's STAFF_GROUPS), and
 * of several the most privileged, i.e. the earliest in `staffRoles`. Other groups are ignored; none gives
 * null (not staff). One role per person keeps the permission check the staff module does simple.
 */
export function staffRoleFromGroups(groups: readonly string[]): StaffRole | null {
  return staffRoles.find((role) => groups.includes(role)) ?? null;
}
