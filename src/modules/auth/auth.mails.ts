import type { MailMessage } from '../../adapters/mail/mailer.js';

/**
 * The auth module's mails: plain text first, with a simple HTML twin, branded with the shop name. Each
 * carries at most one secret, its single-use link, and says how long that link lasts.
 */
export interface MailBrand {
  shopName: string;
  publicUrl: string;
}

const escapeHtml = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');

export function compose(brand: MailBrand, to: string, subject: string, paragraphs: string[], link?: { url: string; label: string }): MailMessage {
  const sign = `— ${brand.shopName}`;
  const text = [...paragraphs.slice(0, 1), ...(link ? [link.url] : []), ...paragraphs.slice(1), sign].join('\n\n') + '\n';
  const p = (s: string) => `<p style="margin:0 0 16px">${escapeHtml(s)}</p>`;
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1A1917;background:#FBFAF7;padding:24px">',
    `<p style="font-weight:600;margin:0 0 24px">${escapeHtml(brand.shopName)}</p>`,
    ...paragraphs.slice(0, 1).map(p),
    link
      ? `<p style="margin:0 0 16px"><a href="${escapeHtml(link.url)}" style="color:#1F5C4A;font-weight:600">${escapeHtml(link.label)}</a></p>` +
        `<p style="margin:0 0 16px;color:#57534C;font-size:14px">Or copy this address into your browser: ${escapeHtml(link.url)}</p>`
      : '',
    ...paragraphs.slice(1).map(p),
    `<p style="color:#57534C;margin:24px 0 0">${escapeHtml(sign)}</p>`,
    '</body></html>',
  ].join('');
  return { to, subject: `${subject} · ${brand.shopName}`, text, html };
}

export function verificationMail(brand: MailBrand, to: string, token: string, hours: number): MailMessage {
  return compose(
    brand,
    to,
    'Confirm your e-mail address',
    [
      `Welcome to ${brand.shopName}. Confirm that this is your e-mail address by opening this link:`,
      `The link works once and expires in ${hours} hours.`,
      'If you did not create an account, ignore this mail: nothing happens until the address is confirmed.',
    ],
    { url: `${brand.publicUrl}/account/verify-email?token=${token}`, label: 'Confirm my e-mail address' },
  );
}

/** Sent when someone signs up with an address that already has an account (instead of an error). */
export function accountExistsMail(brand: MailBrand, to: string): MailMessage {
  return compose(
    brand,
    to,
    'You already have an account',
    [
      `Someone, probably you, tried to create a ${brand.shopName} account with this e-mail address, which already has one.`,
      `If it was you, sign in at ${brand.publicUrl}/account/sign-in, or reset your password at ${brand.publicUrl}/account/reset if you have forgotten it.`,
      'If it was not you, ignore this mail: your account has not changed.',
    ],
  );
}

export function passwordResetMail(brand: MailBrand, to: string, token: string, minutes: number): MailMessage {
  return compose(
    brand,
    to,
    'Reset your password',
    [
      'We received a request to reset the password of your account. Choose a new password here:',
      `The link works once and expires in ${minutes} minutes. Resetting signs you out on every device.`,
      'If you did not ask for this, ignore this mail: your password has not changed.',
    ],
    { url: `${brand.publicUrl}/account/reset?token=${token}`, label: 'Choose a new password' },
  );
}

export function passwordChangedMail(brand: MailBrand, to: string, signedOut: 'every device' | 'every other device'): MailMessage {
  return compose(brand, to, 'Your password was changed', [
    `The password of your ${brand.shopName} account was just changed, and ${signedOut} was signed out.`,
    `If this was not you, reset your password now at ${brand.publicUrl}/account/reset and contact us.`,
  ]);
}

export function mfaChangedMail(brand: MailBrand, to: string, enabled: boolean): MailMessage {
  return compose(brand, to, enabled ? 'Two-step verification is on' : 'Two-step verification is off', [
    enabled
      ? 'Two-step verification was turned on for your account. Keep your recovery codes somewhere safe.'
      : 'Two-step verification was turned off for your account.',
    `If this was not you, reset your password now at ${brand.publicUrl}/account/reset and contact us.`,
  ]);
}

/** The link that confirms a new address, sent to that address (src/modules/auth/email-change.ts). */
export function emailChangeLinkMail(brand: MailBrand, to: string, token: string, hours: number): MailMessage {
  return compose(
    brand,
    to,
    'Confirm your new e-mail address',
    [
      `Someone, probably you, asked to use this address for their ${brand.shopName} account. Confirm it by opening this link:`,
      `The link works once and expires in ${hours} hours. Confirming signs the account out on every other device.`,
      'If you did not ask for this, ignore this mail: nothing changes unless the link is used.',
    ],
    { url: `${brand.publicUrl}/account/email/confirm?token=${token}`, label: 'Confirm my new e-mail address' },
  );
}

/**
 * Sent to the current address when a change is asked for, whether or not the new one is free. Its link
 * ("this was not me") cancels the change, signs out every device and mails a reset link here.
 */
export function emailChangeRequestedMail(brand: MailBrand, to: string, newEmail: string, cancelToken: string, hours: number): MailMessage {
  return compose(
    brand,
    to,
    'A change of e-mail address was asked for',
    [
      `Someone signed in to your ${brand.shopName} account asked to change its e-mail address to ${newEmail}. If this was not you, open this link:`,
      `It cancels the change, signs out every device and sends a link to this address to choose a new password. It works once, for ${hours} hours.`,
      'If it was you, nothing changes until the link we sent to the new address is used.',
    ],
    { url: `${brand.publicUrl}/account/email/cancel?token=${cancelToken}`, label: 'This was not me' },
  );
}

/** Sent instead of a link when the new address already has an account, so the answer reveals nothing. */
export function emailInUseMail(brand: MailBrand, to: string): MailMessage {
  return compose(brand, to, 'Your address was given for another account', [
    `Someone, probably you, tried to change the e-mail address of a ${brand.shopName} account to this one, which already has an account.`,
    `Nothing has changed. To use this address, sign in to its own account at ${brand.publicUrl}/account/sign-in.`,
    'If it was not you, ignore this mail: your account has not changed.',
  ]);
}

/** Sent to the old address once the change is confirmed. */
export function emailChangedMail(brand: MailBrand, to: string, newEmail: string): MailMessage {
  return compose(brand, to, 'Your e-mail address was changed', [
    `The e-mail address of your ${brand.shopName} account is now ${newEmail}, and every other device was signed out. Mail about the account goes there from now on.`,
    'If this was not you, contact us now: someone may have taken over your account.',
  ]);
}

/** Sent when new recovery codes replace the old ones. */
export function recoveryCodesChangedMail(brand: MailBrand, to: string): MailMessage {
  return compose(brand, to, 'New recovery codes were made', [
    'New recovery codes were made for your account; the old ones no longer work.',
    `If this was not you, reset your password now at ${brand.publicUrl}/account/reset and contact us.`,
  ]);
}
