import { createAwsSecretStore } from '../adapters/secrets/aws.js';
import { databasePasswordProvider } from '../adapters/secrets/environment.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { openDatabase } from '../db/database.js';
import { createAuditService } from '../modules/audit/index.js';

/**
 * `npm run audit:verify`: walks the audit hash chain and reports the first broken link (an edited,
 * deleted or relinked event, or a deleted tail). Exits 1 when the chain is broken, so a scheduled job
 * can alert on it. Record the printed head hash somewhere the database cannot reach (a ticket, a
 * WORM bucket) to detect a wholesale rewrite of the chain later.
 */
const config = (await loadConfigWithSecrets()).config;
// On AWS the password comes from DATABASE_SECRET_ARN, as for the server (the scheduled check runs there).
const secretArn = config.database.kind === 'postgres' ? config.database.passwordSecretArn : undefined;
const database = await openDatabase(config.database, secretArn !== undefined ? { password: databasePasswordProvider(createAwsSecretStore(), secretArn) } : {});
let exitCode = 0;
try {
  const result = await createAuditService({ db: database.db }).verify();
  if (result.ok) {
    process.stdout.write(`Audit chain intact: ${result.events} event(s); head ${result.headHash}\n`);
  } else {
    process.stdout.write(`Audit chain BROKEN at event ${result.brokenAt} (${result.reason}): ${result.detail}. ${result.events} event(s) before it verified.\n`);
    exitCode = 1;
  }
} catch (err) {
  process.stderr.write(`audit:verify: ${err instanceof Error ? err.message : String(err)}\n`);
  exitCode = 2;
} finally {
  await database.close();
}
process.exit(exitCode);
