/** The audit module's public face: what other modules, the back office and app.ts may use. */
export { createAuditQuery } from './audit.query.js';
export { auditAdmin } from './audit.admin.js';
export { createAuditService, type AuditService } from './audit.service.js';
