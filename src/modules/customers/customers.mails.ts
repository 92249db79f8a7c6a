import type { MailMessage } from '../../adapters/mail/mailer.js';
import { compose, type MailBrand } from '../auth/index.js';

/** The customers module's mails, in the auth mails' plain-text-first style and brand. */
export function accountDeletedMail(brand: MailBrand, to: string): MailMessage {
  return compose(brand, to, 'Your account is deleted', [
    `Your ${brand.shopName} account has been deleted, with your profile, saved addresses and sign-in details. You have been signed out everywhere.`,
    'Records the law requires us to keep, such as invoices for past orders, are kept without your name or contact details.',
    `If you did not ask for this, contact us. You are welcome to create a new account at any time at ${brand.publicUrl}/account/sign-up.`,
  ]);
}
