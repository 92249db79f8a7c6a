import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');

/** Runs `npm run admin:create` the way an operator does (tsx, a fresh embedded database under DATA_DIR). */
async function adminCreate(args: string[], dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(tsx, ['src/cli/admin-create.ts', ...args], {
      env: { ...process.env, DATABASE_URL: '', REDIS_URL: '', DATA_DIR: dataDir, NODE_ENV: 'development', PUBLIC_URL: 'https://shop.example', LOG_LEVEL: 'warn' },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

// Runs in the embedded pass only: the command opens its own fresh database under DATA_DIR either way.
describe.runIf(!process.env.DATABASE_URL)('npm run admin:create', () => {
  it('prints a one-time owner invitation link on a new shop, and refuses bad arguments with usage', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'bastion-admin-create-'));
    const ok = await adminCreate(['--email', 'Owner@Example.com'], dataDir);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/Invitation for Owner@Example\.com as owner, valid once until \d{4}-\d\d-\d\dT/);
    expect(ok.stdout).toMatch(/https:\/\/shop\.example\/admin\/invitations\/accept\?token=[A-Za-z0-9_-]{43}\n/);

    const noEmail = await adminCreate([], dataDir);
    expect(noEmail.code).toBe(2);
    expect(noEmail.stderr).toContain('--email is required');
    const badRole = await adminCreate(['--email', 'a@example.com', '--role', 'root'], dataDir);
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('--role must be one of owner, admin');
    const badEmail = await adminCreate(['--email', 'not an address'], dataDir);
    expect(badEmail.code).toBe(1);
    expect(badEmail.stderr).toContain('Enter an e-mail address in the right format');
  }, 240_000);
});
