/**
 * One outgoing e-mail. `text` is the message; `html` is an optional simple rendering of the same words.
 * A message carries no secret except, at most, one single-use link (see docs/auth.md).
 */
export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The Message-ID header; a message sent again after a crash keeps it, so receivers can drop the copy. */
  messageId?: string;
}

/**
 * The mail port: sends one message or throws MAIL_SEND_FAILED. Adapters: `dev.ts` (stores each message for
 * the dev mailbox page, the default) and `smtp.ts` (SMTP_URL, e.g. Amazon SES SMTP).
 */
export interface Mailer {
  /** Which adapter this is, for logs and the security advisor. */
  readonly kind: 'dev' | 'smtp';
  send(message: MailMessage): Promise<void>;
  close(): Promise<void>;
}
