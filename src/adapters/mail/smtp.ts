import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type { Mailer, MailMessage } from './mailer.js';
import { mailSendFailed } from './mail.errors.js';

export interface SmtpMailerOptions {
  /** SMTP_URL: `smtp://user:pass@host:587` (STARTTLS when offered) or `smtps://...:465` (implicit TLS). */
  url: string;
  /** MAIL_FROM: e.g. `"Bastion Supply Co." <no-reply@shop.example>`. */
  from: string;
  /** Refuse to send unless the server upgrades to TLS (on for every non-loopback host). */
  requireTls?: boolean;
}

/**
 * Sends mail over SMTP with nodemailer, one pooled connection reused across messages. Vendor errors become
 * MAIL_SEND_FAILED; the original error is kept as `cause` for the log.
 */
export function createSmtpMailer(options: SmtpMailerOptions): Mailer {
  const url = new URL(options.url);
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  const transportOptions: SMTPPool.Options = {
    url: options.url,
    pool: true,
    maxConnections: 2,
    requireTLS: options.requireTls ?? (url.protocol === 'smtp:' && !loopback),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  };
  const transport = nodemailer.createTransport(transportOptions);

  return {
    kind: 'smtp',
    async send(message: MailMessage) {
      try {
        await transport.sendMail({
          from: options.from,
          to: message.to,
          subject: message.subject,
          text: message.text,
          ...(message.html !== undefined ? { html: message.html } : {}),
          ...(message.messageId !== undefined ? { messageId: message.messageId } : {}),
        });
      } catch (err) {
        throw mailSendFailed(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}
