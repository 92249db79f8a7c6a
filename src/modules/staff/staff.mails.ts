import type { MailMessage } from '../../adapters/mail/mailer.js';
import { compose, type MailBrand } from '../auth/index.js';
import { roleLabels, type StaffRole } from '../../kernel/permissions.js';

export function invitationMail(brand: MailBrand, to: string, link: string, role: StaffRole, hours: number): MailMessage {
  return compose(
    brand,
    to,
    'You are invited to the back office',
    [
      `You have been invited to join ${brand.shopName}'s back office as ${roleLabels[role]}. Open this link to accept:`,
      `The link works once and for ${hours} hours. You will be asked to set up two-step verification before you can use the back office.`,
      'If you did not expect this invitation, ignore this mail.',
    ],
    { url: link, label: 'Accept the invitation' },
  );
}

export function roleChangedMail(brand: MailBrand, to: string, role: StaffRole | null): MailMessage {
  return compose(brand, to, role === null ? 'Your back-office access was removed' : 'Your back-office role changed', [
    role === null
      ? `Your access to ${brand.shopName}'s back office has been removed. Your customer account, if you use one, is unchanged.`
      : `Your role in ${brand.shopName}'s back office is now ${roleLabels[role]}. Sign in again to continue.`,
    'If you think this is a mistake, contact the shop owner.',
  ]);
}
