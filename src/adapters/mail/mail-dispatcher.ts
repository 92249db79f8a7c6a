import type { FastifyBaseLogger } from 'fastify';
import type { Mailer, MailMessage } from './mailer.js';

/**
 * Hands messages to the mailer off the request path. A request that sends a mail then answers as fast as
 * one that does not, which keeps "is there an account for this address?" unanswerable by timing, and a
 * slow mail server never holds a shopper's request.
 *
 * Until the transactional outbox exists (a later issue), a message queued here is lost if the process
 * dies before it is handed over; every flow that sends one can be repeated by the user (resend, reset).
 */
export interface MailDispatcher {
  enqueue(message: MailMessage): void;
  /** Resolves when every queued message has been handed over (or failed and been logged). */
  idle(): Promise<void>;
}

export function createMailDispatcher(mailer: Mailer, log: FastifyBaseLogger): MailDispatcher {
  const pending = new Set<Promise<void>>();
  return {
    enqueue(message) {
      const delivery = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => mailer.send(message))
        // The recipient is personal data; the subject says which flow failed.
        .catch((err: unknown) => log.error({ err, subject: message.subject }, 'mail delivery failed'))
        .finally(() => pending.delete(delivery));
      pending.add(delivery);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
