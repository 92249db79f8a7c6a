import type { CheckGroup, CheckResult } from '../advisor.types.js';

const day = 24 * 60 * 60 * 1000;

/** Where the master keys live, how old the current one is, and whether old keys linger. */
export const keyChecks: CheckGroup = ({ config, keys, now }) => {
  const production = config.nodeEnv === 'production';
  const maxAgeDays = config.keys.maxAgeDays;
  const results: CheckResult[] = [];

  if (config.keys.kind === 'aws-kms') {
    results.push({ id: 'key-source', title: 'Master key custody', status: 'pass', detail: 'AWS KMS customer-managed key; the key material never leaves KMS' });
  } else if (production) {
    results.push({
      id: 'key-source', title: 'Master key custody', status: 'warn',
      detail: config.keys.masterKey ? 'local master key from LOCAL_MASTER_KEY' : 'local master key in a file beside the data it protects',
      fix: 'Use KEYS=aws-kms with KMS_KEY_ID in production, or at least inject LOCAL_MASTER_KEY from a secret store.',
    });
  } else {
    results.push({ id: 'key-source', title: 'Master key custody', status: 'pass', detail: `local master key (${config.keys.masterKey ? 'LOCAL_MASTER_KEY' : 'key file under DATA_DIR'})` });
  }

  const current = keys.find((k) => k.current);
  if (config.keys.kind === 'aws-kms') {
    results.push({ id: 'key-age', title: 'Key age', status: 'pass', detail: 'KMS rotates the key material yearly under the same ARN (automatic rotation, enabled by the infra stack)' });
  } else if (!current) {
    results.push({ id: 'key-age', title: 'Key age', status: 'pass', detail: 'no key yet: one is created on first start' });
  } else if (current.createdAt === undefined) {
    results.push({
      id: 'key-age', title: 'Key age', status: 'warn', detail: `the age of ${current.id} is unknown`,
      fix: 'Set LOCAL_MASTER_KEY_CREATED to the date the key was made (e.g. 2026-11-27).',
    });
  } else {
    const ageDays = Math.floor((now.getTime() - current.createdAt.getTime()) / day);
    results.push(
      ageDays <= maxAgeDays
        ? { id: 'key-age', title: 'Key age', status: 'pass', detail: `current key ${current.id} is ${ageDays} day(s) old (limit ${maxAgeDays})` }
        : {
            id: 'key-age', title: 'Key age', status: ageDays > 2 * maxAgeDays ? 'fail' : 'warn',
            detail: `current key ${current.id} is ${ageDays} days old (limit ${maxAgeDays})`,
            fix: 'Run `npm run keys:rotate` (docs/security.md, key rotation runbook).',
          },
    );
  }

  const previous = keys.filter((k) => !k.current);
  if (previous.length > 0) {
    results.push({
      id: 'old-keys', title: 'Old keys', status: 'warn', detail: `${previous.length} older key(s) still decrypt: ${previous.map((k) => k.id).join(', ')}`,
      fix: 'Finish `npm run keys:rotate -- --resume`, then `npm run keys:rotate -- --retire <id>` for each.',
    });
  }
  return results;
};
