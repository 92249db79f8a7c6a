import { newId } from '../../kernel/ids.js';
import type { Mailer, MailMessage } from '../../adapters/mail/mailer.js';
import type { Db } from '../../db/database.js';
import type { OutboxService } from './outbox.service.js';

export const mailJobType = 'mail.send';

/**
 * Mail as outbox jobs: `enqueue(trx, message)` writes the message (sealed: it names a person and may
 * carry a single-use link) in the transaction of the change it tells about, so a mail is sent if and only
 * if that change committed, even when the process dies right after the commit.
 */
export interface MailQueue {
  enqueue(db: Db, message: MailMessage): Promise<void>;
}

export function createMailQueue(outbox: OutboxService): MailQueue {
  return {
    async enqueue(db, message) {
      // Each call is one mail: its own key. A rolled-back transaction takes the job with it.
      await outbox.enqueue(db, { type: mailJobType, key: `mail:${newId()}`, payload: message });
    },
  };
}

const isMessage = (value: unknown): value is MailMessage => {
  const m = value as Partial<MailMessage> | null;
  return typeof m?.to === 'string' && typeof m.subject === 'string' && typeof m.text === 'string' && (m.html === undefined || typeof m.html === 'string');
};

/**
 * Sends a mail job through the Mailer port. A send that succeeded just before a crash runs again with
 * the same Message-ID (made from the job key), which lets receiving servers and clients drop the copy:
 * SMTP itself cannot be made exactly-once.
 */
export function registerMailHandler(outbox: OutboxService, mailer: Mailer, options: { messageIdDomain: string }): void {
  outbox.handle<unknown>(mailJobType, async (payload, job) => {
    if (!isMessage(payload)) throw new Error('not a mail message');
    await mailer.send({
      to: payload.to,
      subject: payload.subject,
      text: payload.text,
      ...(payload.html !== undefined ? { html: payload.html } : {}),
      messageId: `<${job.key.replace(/[^A-Za-z0-9._-]/g, '.')}@${options.messageIdDomain}>`,
    });
  });
}
