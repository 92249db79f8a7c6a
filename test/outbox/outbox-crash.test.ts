import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js';
import { goodPassword, newEmail } from '../support/accounts.js';
import { testPostgresUrl } from '../support/postgres.js';
import { startLoopbackSmtp, unQuotedPrintable, type LoopbackSmtp } from '../support/smtp-server.js';
import { spawnServer, type ServerProcess } from '../support/spawn-server.js';
import { openTestDatabase, seededDataDir } from '../support/test-database.js';

/**
 * The real server as a child process, killed with SIGKILL between the commit of a sign-up and the send of
 * its verification mail, then started again on the same database and key: the mail goes out exactly once.
 */

const opened: DatabaseHandle[] = [];
const servers: ServerProcess[] = [];
const smtps: LoopbackSmtp[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(smtps.map((s) => s.close()));
  await Promise.all(opened.map((d) => d.close()));
});

/** One shop's lasting state: its data folder (local master key, embedded database) and, in the PostgreSQL pass, its database. */
async function shopState(): Promise<{ env: Record<string, string>; inspect: () => Promise<DatabaseHandle> }> {
  if (testPostgresUrl() === undefined) {
    const dataDir = await seededDataDir();
    return { env: { DATA_DIR: dataDir }, inspect: () => openDatabase({ kind: 'pglite', dataDir: join(dataDir, 'pg') }) };
  }
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-crash-'));
  const database = await openTestDatabase();
  opened.push(database);
  return { env: { DATA_DIR: dataDir, DATABASE_URL: database.url! }, inspect: async () => database };
}

async function start(env: Record<string, string>): Promise<{ server: ServerProcess; url: string }> {
  const server = await spawnServer({ SEED_DEMO: 'never', OUTBOX_POLL_MS: '50', OUTBOX_LEASE_SECONDS: '1', ...env });
  servers.push(server);
  const [url] = await server.listening();
  return { server, url: url! };
}

async function signUp(url: string, email: string): Promise<void> {
  const res = await fetch(`${url}/api/v1/auth/sign-up`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: goodPassword }),
  });
  // 202 is sent after the sign-up's transaction committed.
  expect(res.status).toBe(202);
}

const until = async (check: () => boolean): Promise<void> => {
  while (!check()) await new Promise((r) => setTimeout(r, 25));
};

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  expect(await server.exited).toBe(0);
}

async function mailJobsOf(state: { inspect: () => Promise<DatabaseHandle> }) {
  const handle = await state.inspect();
  try {
    return await handle.db.selectFrom('outbox_job').select(['status', 'attempts', 'payload_encrypted']).where('type', '=', 'mail.send').execute();
  } finally {
    if (!opened.includes(handle)) await handle.close();
  }
}

// Two server starts per test: a bound for a hang only.
describe('a crash between the commit and the send', { timeout: 300_000 }, () => {
  it('sends the verification mail exactly once after a restart, when the process died before the worker took the job', async () => {
    const smtp = await startLoopbackSmtp();
    smtps.push(smtp);
    const state = await shopState();
    const env = { ...state.env, SMTP_URL: smtp.url };
    const email = newEmail('crash');

    // This process writes jobs but leaves them to a worker (OUTBOX_WORKER=off): killed after the commit,
    // nothing has been sent.
    const first = await start({ ...env, OUTBOX_WORKER: 'off' });
    await signUp(first.url, email);
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    expect(smtp.received).toEqual([]);

    const second = await start({ ...env, OUTBOX_WORKER: 'on' });
    await until(() => smtp.received.length > 0);
    await stop(second.server);
    expect(smtp.received.map((m) => m.to)).toEqual([[email]]);
    expect(unQuotedPrintable(smtp.received[0]!.raw)).toMatch(/\/account\/verify-email\?token=[A-Za-z0-9_-]{43}/);
    expect(await mailJobsOf(state)).toEqual([{ status: 'done', attempts: 1, payload_encrypted: null }]);
  });

  it('sends it exactly once when the process died in the middle of the send, once the dead worker’s lease ran out', async () => {
    const smtp = await startLoopbackSmtp();
    smtps.push(smtp);
    const state = await shopState();
    const env = { ...state.env, SMTP_URL: smtp.url, OUTBOX_WORKER: 'on' };
    const email = newEmail('crash');

    // The mail server takes the message and never answers: the worker is inside the send when it is killed.
    smtp.hang = true;
    const first = await start(env);
    await signUp(first.url, email);
    await until(() => smtp.hung > 0);
    first.server.child.kill('SIGKILL');
    await first.server.exited;
    expect(smtp.received).toEqual([]);

    smtp.hang = false;
    const second = await start(env);
    await until(() => smtp.received.length > 0);
    await stop(second.server);
    expect(smtp.received.map((m) => m.to)).toEqual([[email]]);
    // The first try never finished; the second (after the one-second lease) did.
    expect(await mailJobsOf(state)).toEqual([{ status: 'done', attempts: 2, payload_encrypted: null }]);
  });
});
