/** The staff module's public face: what other modules, the back office and app.ts may use. */
export { staffAdmin } from './staff.admin.js';
export { createStaffService, type StaffService } from './staff.service.js';
