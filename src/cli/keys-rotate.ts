import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createAwsSecretStore } from '../adapters/secrets/aws.js';
import { databasePasswordProvider } from '../adapters/secrets/environment.js';
import { addLocalKey, retireLocalKey } from '../adapters/keys/local.js';
import { openKeyRing } from '../adapters/keys/open-key-ring.js';
import { countPrivateObjectsByKey, reencryptPrivateObjects } from '../adapters/storage/local.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';
import { createAuditService } from '../modules/audit/index.js';
import { encryptedColumns } from '../modules/encryption/index.js';
import { countCiphertextsByKey, reencryptColumns } from '../modules/encryption/index.js';

/**
 * `npm run keys:rotate`: makes a new master key current and re-encrypts every registered column and
 * private object under it, in resumable batches, while the shop keeps running (on PostgreSQL; the
 * embedded PGlite database belongs to one process, so stop the app first there).
 *
 *   npm run keys:rotate                      new local key (key file), then re-encrypt
 *   npm run keys:rotate -- --resume          re-encrypt to the current key (after an interruption, or
 *                                            after changing LOCAL_MASTER_KEY / KMS_KEY_ID)
 *   npm run keys:rotate -- --resume --restart  rescan from the first row
 *   npm run keys:rotate -- --retire <id>     forget an old key once nothing is sealed under it
 */
const { values } = parseArgs({
  options: {
    resume: { type: 'boolean', default: false },
    restart: { type: 'boolean', default: false },
    retire: { type: 'string' },
    'batch-size': { type: 'string', default: '200' },
  },
});
const batchSize = Number(values['batch-size']);
if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) {
  process.stderr.write('keys:rotate: --batch-size must be a whole number from 1 to 10000\n');
  process.exit(2);
}

const config = (await loadConfigWithSecrets()).config;
const out = (line: string): boolean => process.stdout.write(`${line}\n`);
if (config.database.kind === 'pglite') {
  out('Embedded PGlite database: make sure the shop is stopped; one process at a time may open DATA_DIR/pg.');
}
// With DATABASE_SECRET_ARN (on AWS) the password is fetched from the secret, as the server does.
const secretArn = config.database.kind === 'postgres' ? config.database.passwordSecretArn : undefined;
const database = await openDatabase(config.database, secretArn !== undefined ? { password: databasePasswordProvider(createAwsSecretStore(), secretArn) } : {});
const objectsRoot = join(config.dataDir, 'objects');
const fileMode = config.keys.kind === 'local' && config.keys.masterKey === undefined;
let exitCode = 0;

try {
  await migrateToLatest(database.db);
  const audit = createAuditService({ db: database.db });
  const record = (action: string, after: Record<string, unknown>) =>
    database.db.transaction().execute((trx) => audit.record(trx, { actor: { type: 'system', id: 'keys:rotate' }, action, after }));

  if (values.retire !== undefined) {
    const keyId = values.retire;
    const keyRing = await openKeyRing(config);
    if (keyId === keyRing.currentKeyId()) throw new Error(`key ${keyId} is current; rotate to a new key first`);
    const counts = await countCiphertextsByKey({ db: database.db, keyRing, columns: encryptedColumns });
    const objects = await countPrivateObjectsByKey(objectsRoot, keyRing);
    const remaining = (counts.get(keyId) ?? 0) + (objects.get(keyId) ?? 0);
    if (remaining > 0) {
      out(`Key ${keyId} still seals ${remaining} value(s); run \`npm run keys:rotate -- --resume\` first.`);
      exitCode = 1;
    } else if (fileMode) {
      await retireLocalKey(config.dataDir, keyId);
      await record('keys.retire', { key_id: keyId });
      out(`Retired ${keyId}: its material is deleted from the key file.`);
    } else {
      await record('keys.retire', { key_id: keyId });
      out(`Nothing is sealed under ${keyId}. Remove it from ${config.keys.kind === 'aws-kms' ? 'KMS_PREVIOUS_KEY_IDS (then disable the KMS key and schedule its deletion)' : 'LOCAL_PREVIOUS_MASTER_KEYS'} and redeploy.`);
    }
  } else {
    if (fileMode && !values.resume) {
      const id = await addLocalKey(config.dataDir);
      out(`New current key ${id} (running processes pick it up within seconds).`);
    } else if (!fileMode && !values.resume) {
      out(`Keys come from ${config.keys.kind === 'aws-kms' ? 'KMS_KEY_ID' : 'LOCAL_MASTER_KEY'}: the current key is whatever the configuration names. Re-encrypting to it.`);
    }
    const keyRing = await openKeyRing(config);
    out(`Re-encrypting to ${keyRing.currentKeyId()} in batches of ${batchSize}...`);
    const report = await reencryptColumns(
      { db: database.db, keyRing, columns: encryptedColumns },
      { batchSize, restart: values.restart, onBatch: (c) => void out(`  ${c.table}.${c.column}: ${c.scanned} scanned, ${c.rewritten} re-encrypted`) },
    );
    // The local object store (the only one so far); an S3 store relies on SSE-KMS instead.
    const objects = await reencryptPrivateObjects(objectsRoot, keyRing);
    out(`  private objects: ${objects.scanned} scanned, ${objects.rewritten} re-encrypted`);
    await record('keys.rotate', {
      key_id: report.targetKeyId,
      columns: report.columns.map((c) => ({ column: `${c.table}.${c.column}`, scanned: c.scanned, rewritten: c.rewritten })),
      private_objects: objects,
    });
    const previous = keyRing.keys().filter((k) => !k.current).map((k) => k.id);
    out(`Done: everything is sealed under ${report.targetKeyId}.`);
    if (previous.length > 0) out(`Older keys still decrypt: ${previous.join(', ')}. Retire each with \`npm run keys:rotate -- --retire <id>\`.`);
  }
} catch (err) {
  process.stderr.write(`keys:rotate: ${err instanceof Error ? err.message : String(err)}\n`);
  exitCode = 1;
} finally {
  await database.close();
}
process.exit(exitCode);

