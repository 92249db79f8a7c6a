import type { CheckGroup } from '../advisor.types.js';

/** Outgoing mail: without SMTP_URL, verification and reset mails are only stored, never delivered. */
export const mailChecks: CheckGroup = ({ config }) => {
  if (config.mail.smtpUrl !== undefined) {
    const tls = config.mail.smtpUrl.startsWith('smtps:');
    return [{ id: 'mail', title: 'Outgoing mail', status: 'pass', detail: `mail is sent over SMTP${tls ? ' with TLS' : ' (STARTTLS where the server offers it)'}` }];
  }
  return [{
    id: 'mail', title: 'Outgoing mail', status: config.nodeEnv === 'production' ? 'fail' : 'pass',
    detail: config.nodeEnv === 'production'
      ? 'no SMTP_URL: sign-up, verification and password-reset mails are stored on disk and never reach anyone'
      : 'mails are stored for the developer mailbox at /dev/mailbox',
    ...(config.nodeEnv === 'production' ? { fix: 'Set SMTP_URL (for example Amazon SES SMTP credentials in the SECRETS_ARN secret).' } : {}),
  }];
};
