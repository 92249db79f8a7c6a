import { execFile } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyFilePath } from '../../src/adapters/keys/local.js';
import type { DatabaseHandle } from '../../src/db/database.js';
import { testPostgresUrl } from '../support/postgres.js';
import { openTestDatabase } from '../support/test-database.js';

const run = promisify(execFile);

/** Runs a CLI the way `npm run` does; resolves with its exit code and output instead of throwing. */
async function cli(script: string, args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `src/cli/${script}.ts`, ...args], {
      env: { ...process.env, NODE_ENV: 'test', ...env },
      timeout: 120_000,
    });
    return { code: 0, out: stdout + stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

// The CLIs open the database themselves; the embedded PGlite belongs to one process, so these run
// against PostgreSQL (DATABASE_URL), as CI's second pass does.
describe.skipIf(testPostgresUrl() === undefined)('security CLIs', () => {
  let database: DatabaseHandle & { url?: string };
  let env: Record<string, string>;

  beforeAll(async () => {
    database = await openTestDatabase();
    env = { DATABASE_URL: database.url!, DATA_DIR: await mkdtemp(join(tmpdir(), 'bastion-cli-')) };
  });
  afterAll(async () => database.close());

  it('rotates keys, records it in the audit trail, verifies the chain, and detects an edit', async () => {
    const rotate = await cli('keys-rotate', [], env);
    expect(rotate.out).toMatch(/Done: everything is sealed under local-/);
    expect(rotate.code).toBe(0);

    const file = JSON.parse(await readFile(keyFilePath(env.DATA_DIR!), 'utf8')) as { keys: { id: string; current: boolean }[] };
    expect(file.keys).toHaveLength(2);
    const old = file.keys.find((k) => !k.current)!.id;

    const retire = await cli('keys-rotate', ['--retire', old], env);
    expect(retire.out).toMatch(new RegExp(`Retired ${old}`));
    expect(retire.code).toBe(0);

    const verify = await cli('audit-verify', [], env);
    expect(verify.out).toMatch(/Audit chain intact: 2 event\(s\)/);
    expect(verify.code).toBe(0);

    await database.db.transaction().execute(async (trx) => {
      await sql`set local session_replication_role = replica`.execute(trx);
      await sql`update audit_event set actor_id = 'someone' where seq = 1`.execute(trx);
    });
    const broken = await cli('audit-verify', [], env);
    expect(broken.out).toMatch(/BROKEN at event 1 \(edited\)/);
    expect(broken.code).toBe(1);
  });

  it('advisor exits non-zero on a failing production configuration', async () => {
    const result = await cli('advisor', [], { ...env, NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(40), LOG_LEVEL: 'trace' });
    expect(result.out).toMatch(/FAIL {2}Debug settings in production/);
    expect(result.code).toBe(1);
  });

  it('advisor fails a production start in cognito mode without a staff pool, naming the settings to add', async () => {
    const result = await cli('advisor', [], {
      ...env, NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(40),
      AUTH_PROVIDER: 'cognito', COGNITO_USER_POOL_ID: 'eu-west-2_AbC123xyz', COGNITO_CLIENT_ID: 'abcdefghij1234567890abcdef', COGNITO_DOMAIN: 'https://shop.auth.eu-west-2.amazoncognito.com',
    });
    expect(result.out).toMatch(/FAIL {2}MFA for staff: AUTH_PROVIDER=cognito without a staff pool/);
    expect(result.out).toMatch(/fix: Configure the staff pool, where MFA is required: set COGNITO_STAFF_USER_POOL_ID, COGNITO_STAFF_CLIENT_ID and COGNITO_STAFF_DOMAIN/);
    expect(result.code).toBe(1);
  });
});
