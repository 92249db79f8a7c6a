import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Mailer, MailMessage } from './mailer.js';
import { mailSendFailed } from './mail.errors.js';

/** A stored message as the dev mailbox shows it. */
export interface StoredMail extends MailMessage {
  id: string;
  from: string;
  sentAt: string;
}

/** The dev mailer plus what the mailbox page and tests read back. */
export interface DevMailer extends Mailer {
  readonly kind: 'dev';
  /** Newest first. */
  list(): Promise<StoredMail[]>;
  /** One message, or undefined for an unknown id. */
  read(id: string): Promise<StoredMail | undefined>;
}

const idPattern = /^[0-9]{13}-[0-9a-f]{12}$/;

/**
 * The default mail adapter: every message is written as one JSON file (0600) under
 * `DATA_DIR/mailbox/`, where the dev-only page /dev/mailbox shows it. Nothing leaves the machine, so
 * `npm start` needs no mail server; production sets SMTP_URL instead.
 */
export function createDevMailer(options: { dir: string; from: string }): DevMailer {
  const { dir, from } = options;
  const ready = mkdir(dir, { recursive: true, mode: 0o700 });
  let lastMs = 0;

  const read = async (id: string): Promise<StoredMail | undefined> => {
    if (!idPattern.test(id)) return undefined;
    try {
      return JSON.parse(await readFile(join(dir, `${id}.json`), 'utf8')) as StoredMail;
    } catch {
      return undefined;
    }
  };

  return {
    kind: 'dev',
    async send(message) {
      try {
        await ready;
        // Time first (strictly increasing in this process), so names sort by age; the random part keeps
        // two processes sharing the folder apart.
        lastMs = Math.max(Date.now(), lastMs + 1);
        const id = `${String(lastMs).padStart(13, '0')}-${randomBytes(6).toString('hex')}`;
        const stored: StoredMail = { id, from, sentAt: new Date().toISOString(), ...message };
        await writeFile(join(dir, `${id}.json`), JSON.stringify(stored, null, 2), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        throw mailSendFailed(err);
      }
    },
    async list() {
      await ready;
      const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort().reverse().slice(0, 200);
      const mails = await Promise.all(names.map((n) => read(n.slice(0, -'.json'.length))));
      return mails.filter((m): m is StoredMail => m !== undefined);
    },
    read,
    async close() {},
  };
}
