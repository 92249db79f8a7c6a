import { join } from 'node:path';
import { createDevMailer, type DevMailer } from './dev.js';
import type { Mailer } from './mailer.js';
import { createSmtpMailer } from './smtp.js';

/** The configured mailer: SMTP when SMTP_URL is set, else the dev mailer under DATA_DIR/mailbox. */
export function openMailer(config: { dataDir: string; mail: { smtpUrl: string | undefined; from: string } }): Mailer {
  if (config.mail.smtpUrl !== undefined) return createSmtpMailer({ url: config.mail.smtpUrl, from: config.mail.from });
  return createDevMailer({ dir: join(config.dataDir, 'mailbox'), from: config.mail.from });
}

export function isDevMailer(mailer: Mailer): mailer is DevMailer {
  return mailer.kind === 'dev' && 'list' in mailer;
}
