import type { MailMessage } from '../../../adapters/mail/mailer.js';
import { compose, type MailBrand } from '../auth.mails.js';

/**
 * Mails to the owner when a passkey is added or removed: a new way into the account must never appear
 * unnoticed (a stolen session could add one), so the mail says what to do if it was not them.
 */
export function passkeyAddedMail(brand: MailBrand, to: string, name: string): MailMessage {
  return compose(brand, to, 'A passkey was added to your account', [
    `A passkey named "${name}" was added to your ${brand.shopName} account. It can now be used to sign in without your password.`,
    `If this was not you, remove it at ${brand.publicUrl}/account/security/passkeys, change your password and contact us.`,
  ]);
}

export function passkeyRemovedMail(brand: MailBrand, to: string, name: string): MailMessage {
  return compose(brand, to, 'A passkey was removed from your account', [
    `The passkey named "${name}" was removed from your ${brand.shopName} account and can no longer be used to sign in.`,
    `If this was not you, reset your password now at ${brand.publicUrl}/account/reset and contact us.`,
  ]);
}
