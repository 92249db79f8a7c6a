import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '../../src/db/database.js';
import { goodPassword, newEmail } from '../support/accounts.js';
import { testPostgresUrl } from '../support/postgres.js';
import { startLoopbackSmtp, type LoopbackSmtp } from '../support/smtp-server.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { openTestDatabase } from '../support/test-database.js';

/** `npm run worker`'s entry point as a child process; resolves its exit code and output. */
function spawnWorker(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/worker.ts'], {
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { child, exited, output: () => out };
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((r) => setTimeout(r, 25));
};

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('npm run worker', { timeout: 300_000 }, () => {
  it.skipIf(testPostgresUrl() !== undefined)('refuses the embedded database, whose files belong to the web process', async () => {
    const worker = spawnWorker({ DATA_DIR: await mkdtemp(join(tmpdir(), 'bastion-worker-')) });
    expect(await worker.exited).toBe(78);
    expect(worker.output()).toContain('worker: needs DATABASE_URL (PostgreSQL)');
  });

  it.skipIf(testPostgresUrl() === undefined)('sends the mails of a web process that leaves them to it, and stops cleanly on SIGTERM', async () => {
    const database: DatabaseHandle & { url?: string } = await openTestDatabase();
    cleanups.push(() => database.close());
    const smtp: LoopbackSmtp = await startLoopbackSmtp();
    cleanups.push(() => smtp.close());
    const dataDir = await mkdtemp(join(tmpdir(), 'bastion-worker-'));
    const env = { DATA_DIR: dataDir, DATABASE_URL: database.url!, SMTP_URL: smtp.url, SEED_DEMO: 'never', OUTBOX_POLL_MS: '50' };

    const web: ServerProcess = await spawnServer({ ...env, OUTBOX_WORKER: 'off' });
    cleanups.push(async () => {
      if (web.child.exitCode === null) web.child.kill('SIGKILL');
    });
    const [url] = await web.listening();
    const email = newEmail('worker');
    const res = await fetch(`${url}/api/v1/auth/sign-up`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: goodPassword }),
    });
    expect(res.status).toBe(202);

    const worker = spawnWorker(env);
    cleanups.push(async () => {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    });
    await until(() => smtp.received.length > 0);
    expect(smtp.received.map((m) => m.to)).toEqual([[email]]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toContain('worker stopped cleanly');
    expect(web.output()).not.toContain('outbox worker started');
    web.child.kill('SIGTERM');
    expect(await web.exited).toBe(0);
    const job = await database.db.selectFrom('outbox_job').select(['status', 'attempts']).where('type', '=', 'mail.send').executeTakeFirst();
    expect(job).toEqual({ status: 'done', attempts: 1 });
  });
});
