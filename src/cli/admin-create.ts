import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { migrateToLatest } from '../db/migrate.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { createAuditService } from '../modules/audit/index.js';
import { createAuthService } from '../modules/auth/index.js';
import { createPasswordHasher } from '../modules/auth/index.js';
import { createFieldEncryption } from '../modules/encryption/index.js';
import { isStaffRole, staffRoles } from '../kernel/permissions.js';
import { createMailQueue, createOutbox } from '../modules/outbox/index.js';
import { createStaffService } from '../modules/staff/index.js';
import { openRuntime } from '../runtime.js';

/**
 * `npm run admin:create -- --email owner@example.com [--role owner]`: prints a one-time invitation link
 * (72 hours) for the first owner, or for a replacement when every owner has lost access. Whoever can run
 * this already holds the database and the keys, so it is the root of trust; it is audited like any
 * invitation (actor "system", role "command-line"). The link is printed, not mailed: mail may not be set
 * up yet on a new shop.
 */
const usage = `Usage: npm run admin:create -- --email <address> [--role ${staffRoles.join('|')}]\n`;
let values;
try {
  ({ values } = parseArgs({ options: { email: { type: 'string' }, role: { type: 'string', default: 'owner' }, help: { type: 'boolean', default: false } } }));
} catch (err) {
  process.stderr.write(`admin:create: ${err instanceof Error ? err.message : String(err)}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(usage);
  process.exit(0);
}
const role = values.role;
if (values.email === undefined || !isStaffRole(role)) {
  process.stderr.write(`admin:create: ${values.email === undefined ? '--email is required' : `--role must be one of ${staffRoles.join(', ')}`}\n${usage}`);
  process.exit(2);
}

const config = (await loadConfigWithSecrets()).config;
if (config.database.kind === 'pglite') {
  process.stderr.write('Embedded PGlite database: make sure the shop is stopped; one process at a time may open DATA_DIR/pg.\n');
}
const runtime = await openRuntime(config);
let exitCode = 0;
try {
  const db = runtime.database.db;
  await migrateToLatest(db);
  const log = pino({ level: 'warn' }, pino.destination(2));
  const audit = createAuditService({ db });
  const fieldEncryption = createFieldEncryption({ db, keyRing: runtime.keyRing });
  // The invitation link is printed, not mailed; any mail the services queue is sent by the shop's worker.
  const outbox = createOutbox({ db, fieldEncryption, audit, log, registry: new Registry(), emf: undefined, settings: config.outbox });
  const mail = createMailQueue(outbox, { fieldEncryption, cooldownMs: config.mail.cooldownMs });
  const brand = { shopName: config.shop.name, publicUrl: config.publicUrl };
  const auth = createAuthService({
    db, fieldEncryption, audit, passwords: createPasswordHasher(), mail, jobs: outbox, brand,
    sessionOptions: { idleMinutes: config.auth.sessionIdleMinutes, absoluteHours: config.auth.sessionAbsoluteHours },
  });
  const staff = createStaffService({ db, audit, directory: auth.directory, sessions: auth.sessions, fieldEncryption, mail, brand });
  const { link, expiresAt } = await staff.inviteFromCommandLine({ email: values.email, role });
  process.stdout.write(
    `Invitation for ${values.email} as ${role}, valid once until ${expiresAt.toISOString()}:\n\n  ${link}\n\n` +
      'Open it to set a password (or confirm an existing one) and set up two-step verification.\n',
  );
} catch (err) {
  process.stderr.write(`admin:create: ${err instanceof Error ? err.message : String(err)}\n`);
  exitCode = 1;
} finally {
  await runtime.database.close();
}
process.exit(exitCode);
