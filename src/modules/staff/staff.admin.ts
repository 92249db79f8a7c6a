import type { AdminContribution } from '../../backoffice/index.js';
import { registerStaffPages, type StaffPageDeps } from './staff.pages.js';
import { registerStaffRoutes } from './staff.routes.js';

/**
 * The staff module's part of the back office: staff sign-in and enrolment, the staff page and API, and a
 * home card counting members and waiting invitations.
 */
export function staffAdmin(deps: StaffPageDeps): AdminContribution {
  const { staff } = deps;
  return {
    name: 'staff',
    navigation: [{ href: '/admin/staff', label: 'Staff', permission: 'staff.read', order: 70 }],
    homeCards: [
      {
        permission: 'staff.read',
        load: async (principal) => {
          const { members, invitations } = await staff.list(principal);
          const waiting = invitations.filter((i) => !i.expired).length;
          return { label: 'Staff members', value: String(members.length), note: waiting ? `${waiting} invitation${waiting === 1 ? '' : 's'} waiting` : 'No invitations waiting' };
        },
      },
    ],
    register(app, shell) {
      registerStaffRoutes(app, shell, staff);
      registerStaffPages(app, shell, deps);
    },
  };
}
