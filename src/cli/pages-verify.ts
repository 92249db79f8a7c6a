import { ConfigError } from '../config.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { paymentPageProbes, verifyPaymentPages } from '../modules/page-integrity/index.js';
import { readScriptInventory } from '../web/script-inventory.js';

/**
 * `npm run pages:verify`: fetches the payment pages from the running shop (PAGE_INTEGRITY_URL, default
 * PUBLIC_URL) as a browser would, and compares their security headers and script tags with the committed
 * script inventory, for the providers in PAYMENTS. The release pipeline runs it after each deploy.
 * Exit 0: every page matches; 1: a difference (each printed); 2: the shop could not be reached or the
 * configuration is wrong. It needs no database.
 */
let exitCode = 0;
try {
  const { config } = await loadConfigWithSecrets();
  const report = await verifyPaymentPages({
    baseUrl: config.pageIntegrity.url, publicUrl: config.publicUrl, pages: paymentPageProbes, inventory: readScriptInventory(), providers: config.payments,
  });
  for (const page of report.pages) process.stdout.write(`${page.status} ${page.path}  scripts: ${page.scripts.length > 0 ? page.scripts.join(' ') : 'none'}\n`);
  if (report.differences.length === 0) {
    process.stdout.write(`Payment pages at ${report.baseUrl} match the script inventory (PAYMENTS=${config.payments.join(',')}).\n`);
  } else {
    for (const d of report.differences) process.stdout.write(`DIFFERENCE ${d.kind} ${d.page}: ${d.detail}\n`);
    process.stdout.write(`Payment pages at ${report.baseUrl} differ from the script inventory: ${report.differences.length} difference(s).\n`);
    exitCode = 1;
  }
} catch (err) {
  process.stderr.write(`pages:verify: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}\n`);
  exitCode = 2;
}
process.exit(exitCode);
