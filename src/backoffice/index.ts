/** The staff back office: the shell modules contribute their pages, navigation and home cards to. */
export type { AdminContribution, AdminShell, HomeCard } from './contribution.js';
export type { AdminContext, AdminNavEntry } from './admin-layout.js';
export { AdminGate, AdminLayout } from './admin-layout.js';
export { staffMay, type StaffGuard } from './guard.js';
export type { AdminPageGuard } from './page-guard.js';
export { sendAdminPage } from './page-guard.js';
export { GateMessagePage } from './shell-pages.js';
export { ListPager } from './pager.js';
export { staffAccessDenied } from './backoffice.errors.js';

export { registerBackOffice, type BackOfficeDeps } from './backoffice.plugin.js';
