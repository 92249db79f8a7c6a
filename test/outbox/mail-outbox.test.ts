import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goodPassword, mailsTo, newEmail, post } from '../support/accounts.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { startLoopbackSmtp, unQuotedPrintable } from '../support/smtp-server.js';

const mailJobs = (t: TestApp) => t.database.db.selectFrom('outbox_job').selectAll().where('type', '=', 'mail.send').orderBy('seq').execute();

describe('mail through the outbox', () => {
  it('reaches a mail server that was down once it is back, exactly once', async () => {
    // Start a real SMTP server to learn a free port, then stop it: the shop's mail server is down.
    const first = await startLoopbackSmtp();
    const port = first.port;
    await first.close();
    const t = await createTestApp({ SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'no-reply@shop.example', OUTBOX_WORKER: 'off' });
    let smtp: Awaited<ReturnType<typeof startLoopbackSmtp>> | undefined;
    try {
      const email = newEmail();
      expect((await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword })).statusCode).toBe(202);
      const before = (await mailJobs(t)).length;
      await t.outbox.drain();
      const [job] = (await mailJobs(t)).slice(-1);
      expect(job).toMatchObject({ status: 'ready', attempts: 1 });
      // The code of nodemailer's error (ESOCKET, ECONNECTION), not its message, which names the host.
      expect(job!.last_error).toMatch(/^MAIL_SEND_FAILED: The e-mail could not be sent\. \(cause: E[A-Z]+\)$/);
      expect(job!.last_error).not.toContain(email);

      smtp = await startLoopbackSmtp(port);
      t.clock.advance(10_000);
      await t.outbox.drain();
      expect(smtp.received.map((m) => m.to)).toEqual([[email]]);
      expect(unQuotedPrintable(smtp.received[0]!.raw)).toMatch(/\/account\/verify-email\?token=[A-Za-z0-9_-]{43}/);
      // The Message-ID comes from the job's key, so a copy sent again after a crash would carry the same one.
      expect(smtp.received[0]!.raw).toMatch(/^Message-ID: <mail\.[0-9a-f-]{36}@localhost>/m);
      t.clock.advance(3_600_000);
      await t.outbox.drain();
      expect(smtp.received).toHaveLength(1);
      expect((await mailJobs(t)).length).toBe(before);
      expect((await mailJobs(t)).slice(-1)[0]).toMatchObject({ status: 'done', attempts: 2, payload_encrypted: null });
    } finally {
      await t.close();
      await smtp?.close();
    }
  });
});

describe('the worker in the web process (OUTBOX_WORKER=on, the default outside tests)', () => {
  it('starts when the app is ready, sends without being asked, and stops when the app closes', async () => {
    const t = await createTestApp({ OUTBOX_WORKER: 'on', OUTBOX_POLL_MS: '20' });
    try {
      await t.app.ready();
      expect(t.outbox.worker.running).toBe(true);
      const email = newEmail();
      expect((await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword })).statusCode).toBe(202);
      while (!(await t.mailbox.list()).some((m) => m.to === email)) await new Promise((r) => setTimeout(r, 20));
    } finally {
      await t.close();
    }
    expect(t.outbox.worker.running).toBe(false);
    expect(t.logs.some((l) => l.msg === 'outbox worker stopped')).toBe(true);
  });
});

describe('account mails are written with their change', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ OUTBOX_WORKER: 'off' });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('queues the sign-up’s verification mail in the sign-up’s transaction, sealed, and sends it when drained', async () => {
    const email = newEmail();
    const before = (await mailJobs(t)).length;
    expect((await post(t, '/api/v1/auth/sign-up', { email, password: goodPassword })).statusCode).toBe(202);
    const jobs = (await mailJobs(t)).slice(before);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ status: 'ready', attempts: 0 });
    // Nothing in clear: neither the address nor the link's path is in the stored bytes.
    const stored = Buffer.from(jobs[0]!.payload_encrypted!);
    expect(stored.includes(Buffer.from(email))).toBe(false);
    expect(stored.includes(Buffer.from('verify-email'))).toBe(false);
    expect((await t.mailbox.list()).some((m) => m.to === email)).toBe(false);
    expect((await mailsTo(t, email)).map((m) => m.subject)).toEqual([expect.stringContaining('Confirm your e-mail address')]);
  });

  it('queues no mail for a change that did not happen (a refused password)', async () => {
    const email = newEmail();
    const before = (await mailJobs(t)).length;
    expect((await post(t, '/api/v1/auth/sign-up', { email, password: 'short' })).statusCode).toBe(400);
    expect(await mailJobs(t)).toHaveLength(before);
  });
});
