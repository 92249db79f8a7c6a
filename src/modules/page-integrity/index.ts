/**
 * The payment pages' tamper check (PCI DSS v4.0.1 11.6.1), the module's public face: it fetches the
 * payment pages as a browser would and compares their security headers and script tags with the committed
 * script inventory (src/web/script-inventory.json). app.ts schedules it through the outbox
 * (PAGE_INTEGRITY_CHECK_MINUTES); `npm run pages:verify` runs it once on each deploy.
 */
export { pageIntegrityJobType, paymentPageTamperMetric, createPageIntegrityService, type PageIntegrityService } from './page-integrity.service.js';
export type { PageIntegritySettings } from './page-integrity.settings.js';
export { scriptTags, verifyPaymentPages, type DifferenceKind, type PageDifference, type PageIntegrityReport } from './page-integrity.verify.js';

/**
 * The payment pages the check fetches: what an anonymous shopper reaches without a cart or order of their
 * own. `/checkout` answers such a visitor with a redirect (its headers are checked); a page under the
 * scope that no route serves renders the storefront's shell under the payment pages' policy, so a script
 * or header changed in the layout, the edge, the CDN or the release shows on it.
 */
export const paymentPageProbes: readonly string[] = ['/checkout', '/checkout/page-integrity-probe'];
