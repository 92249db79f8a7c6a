import { newId } from '../../kernel/ids.js';
import type { Mailer, MailMessage } from '../../adapters/mail/mailer.js';
import type { Db } from '../../db/database.js';
import type { FieldEncryption } from '../encryption/index.js';
import { claimMailCooldown } from './outbox.repository.js';
import type { OutboxService } from './outbox.service.js';

export const mailJobType = 'mail.send';

/**
 * Mail as outbox jobs: `enqueue(trx, message)` writes the message (sealed: it names a person and may
 * carry a single-use link) in the transaction of the change it tells about, so a mail is sent if and only
 * if that change committed, even when the process dies right after the commit.
 */
export interface MailQueue {
  /**
   * Queues one mail. `once` names the fact the mail tells about (e.g. `order-cancelled:<id>`): a second
   * enqueue with the same name writes nothing, so a repeated or racing caller never mails twice.
   */
  enqueue(db: Db, message: MailMessage, options?: { once?: string }): Promise<void>;
  /**
   * Claims the per-recipient cooldown of account mail that anyone can trigger (a reset link, a
   * verification link, an invitation, a change-of-e-mail link, the "you already have an account" notice):
   * true at most once per cooldown for an address, on every instance (the state is in the database, in
   * the caller's transaction). When false, the caller sends nothing and answers exactly as if it had, so a
   * flood of requests reaches the mailbox as one mail a cooldown and tells the requester nothing.
   */
  claimCooldown(db: Db, to: string): Promise<boolean>;
}

export interface MailQueueOptions {
  fieldEncryption: Pick<FieldEncryption, 'blindIndex'>;
  /** MAIL_COOLDOWN_SECONDS, in ms; 0 turns the cooldown off. */
  cooldownMs: number;
  now?: () => Date;
}

export function createMailQueue(outbox: OutboxService, options: MailQueueOptions): MailQueue {
  const now = options.now ?? (() => new Date());
  return {
    async enqueue(db, message, enqueueOptions) {
      // Each call is one mail (its own key) unless the caller names it. A rolled-back transaction takes the job with it.
      await outbox.enqueue(db, { type: mailJobType, key: `mail:${enqueueOptions?.once ?? newId()}`, payload: message });
    },
    async claimCooldown(db, to) {
      if (options.cooldownMs === 0) return true;
      const recipient = await options.fieldEncryption.blindIndex('mail_cooldown', 'recipient', to.trim().toLowerCase());
      return claimMailCooldown(db, recipient, now(), options.cooldownMs);
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
