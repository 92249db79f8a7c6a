import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevMailer } from '../../src/adapters/mail/dev.js';
import { createSmtpMailer } from '../../src/adapters/mail/smtp.js';
import { AppError } from '../../src/kernel/errors.js';
import { passwordResetMail } from '../../src/modules/auth/auth.mails.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { newEmail, post, tokenFromMail } from '../support/accounts.js';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on loopback (smtp-server), collecting what it receives; `reject` makes it refuse. */
async function startSmtp(options: { reject?: boolean } = {}) {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.reject) callback(new Error('550 mailbox unavailable'));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** Undoes quoted-printable soft breaks and escapes (enough for the ASCII this test looks for). */
const unQp = (raw: string) => raw.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

const brand = { shopName: 'Bastion Supply Co.', publicUrl: 'https://shop.example' };

describe('SMTP mailer', () => {
  it('delivers a branded plain-text and HTML message to a real SMTP server', async () => {
    const smtp = await startSmtp();
    const mailer = createSmtpMailer({ url: smtp.url, from: '"Bastion Supply Co." <no-reply@shop.example>' });
    try {
      const token = 'T'.repeat(43);
      await mailer.send(passwordResetMail(brand, 'ann@example.com', token, 60));
      expect(smtp.received).toHaveLength(1);
      const [mail] = smtp.received;
      expect(mail?.from).toBe('no-reply@shop.example');
      expect(mail?.to).toEqual(['ann@example.com']);
      expect(mail?.raw).toMatch(/^Subject: .*Reset.your.password/m);
      expect(mail?.raw).toContain('Content-Type: text/plain');
      expect(mail?.raw).toContain('Content-Type: text/html');
      expect(unQp(mail!.raw)).toContain(`https://shop.example/account/reset?token=${token}`);
      expect(unQp(mail!.raw)).toContain('Bastion Supply Co.');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('turns a refusal into MAIL_SEND_FAILED without the server’s words', async () => {
    const smtp = await startSmtp({ reject: true });
    const mailer = createSmtpMailer({ url: smtp.url, from: 'no-reply@shop.example' });
    try {
      const error = await mailer.send({ to: 'ann@example.com', subject: 'x', text: 'y' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'MAIL_SEND_FAILED', category: 'unavailable' });
      expect((error as Error).message).not.toContain('550');
    } finally {
      await mailer.close();
      await smtp.close();
    }
  });

  it('is what the app uses when SMTP_URL is set: a sign-up link arrives over SMTP', async () => {
    const smtp = await startSmtp();
    const t = await createTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'no-reply@shop.example' });
    try {
      expect(t.mailer.kind).toBe('smtp');
      const email = newEmail();
      expect((await post(t, '/api/v1/auth/sign-up', { email, password: 'quiet harbour lantern' })).statusCode).toBe(202);
      await t.outbox.drain();
      expect(smtp.received.map((m) => m.to[0])).toEqual([email]);
      expect(unQp(smtp.received[0]!.raw)).toMatch(/\/account\/verify-email\?token=[A-Za-z0-9_-]{43}/);
      expect((await t.app.inject({ url: '/dev/mailbox' })).statusCode).toBe(404);
    } finally {
      await t.close();
      await smtp.close();
    }
  });
});

describe('dev mailer and mailbox page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('stores each message as a private file and lists the newest first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bastion-mailbox-'));
    const mailer = createDevMailer({ dir, from: 'no-reply@localhost' });
    await mailer.send({ to: 'a@example.com', subject: 'first', text: 'one' });
    await mailer.send({ to: 'b@example.com', subject: 'second', text: 'two' });
    const list = await mailer.list();
    expect(list.map((m) => m.subject)).toEqual(['second', 'first']);
    expect(await mailer.read(list[0]!.id)).toMatchObject({ to: 'b@example.com', text: 'two', from: 'no-reply@localhost' });
    expect(await mailer.read('../../etc/passwd')).toBeUndefined();
  });

  it('shows a developer the mails at /dev/mailbox, never cached, with clickable links', async () => {
    const email = newEmail();
    await post(t, '/api/v1/auth/sign-up', { email, password: 'quiet harbour lantern' });
    const token = await tokenFromMail(t, email, '/account/verify-email');
    const list = await t.app.inject({ url: '/dev/mailbox' });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('private, no-store');
    expect(list.headers['x-robots-tag']).toBe('noindex');
    expect(list.body).toContain(email);
    const id = /href="\/dev\/mailbox\/([0-9]{13}-[0-9a-f]{12})"/.exec(list.body)![1]!;
    const one = await t.app.inject({ url: `/dev/mailbox/${id}` });
    expect(one.statusCode).toBe(200);
    expect([one.headers['cache-control'], one.headers['x-robots-tag']]).toEqual(['private, no-store', 'noindex']);
    expect(one.body).toContain(`<a href="${t.config.publicUrl}/account/verify-email?token=${token}">`);
    expect((await t.app.inject({ url: '/dev/mailbox/0000000000000-000000000000' })).statusCode).toBe(404);
  });

  it('does not exist when NODE_ENV=production', async () => {
    const prod = await createTestApp({ NODE_ENV: 'production', PAYMENTS_TEST_IN_PRODUCTION: 'allow', CSRF_SECRET: 'x'.repeat(40) }, { database: t.database, keyRing: t.keyRing });
    try {
      const res = await prod.app.inject({ url: '/dev/mailbox' });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: 'ROUTE_NOT_FOUND' });
    } finally {
      await prod.app.close();
    }
  });
});
