/** The shop's information pages: plain, static text, edited here until a content editor exists. */
export interface ContentPage {
  slug: string;
  title: string;
  group: 'help' | 'policies';
  summary: string;
  sections: { heading: string; paragraphs: string[] }[];
}

export const contentPages: ContentPage[] = [
  {
    slug: 'delivery',
    title: 'Delivery',
    group: 'help',
    summary: 'How and when your order reaches you.',
    sections: [
      { heading: 'Delivery options', paragraphs: ['The delivery methods we offer to your address, with their prices and expected dates, are shown at checkout before you pay. Nothing is added afterwards.'] },
      { heading: 'Tracking', paragraphs: ['When your parcel leaves us we email you, with a tracking link where the carrier offers one.'] },
    ],
  },
  {
    slug: 'returns',
    title: 'Returns and refunds',
    group: 'help',
    summary: 'Your right to change your mind, and what happens when something is wrong.',
    sections: [
      { heading: 'Changing your mind', paragraphs: ['You may cancel an order within 14 days of delivery without giving a reason, as UK consumer law provides. Tell us by email, then send the items back unused within a further 14 days.', 'We refund the price and the standard delivery charge to the original payment method within 14 days of receiving the items back.'] },
      { heading: 'Faulty items', paragraphs: ['If something arrives damaged or faulty, tell us and we will repair, replace or refund it, as your statutory rights provide.'] },
    ],
  },
  {
    slug: 'contact',
    title: 'Contact us',
    group: 'help',
    summary: 'Real people, Monday to Friday.',
    sections: [{ heading: 'Get in touch', paragraphs: ['Email hello@bastion.example and we will answer within one working day.', 'Our team is here Monday to Friday, 9:00 to 17:00 UK time.'] }],
  },
  {
    slug: 'privacy',
    title: 'Privacy',
    group: 'policies',
    summary: 'What we keep about you, why, and for how long.',
    sections: [
      { heading: 'What we collect', paragraphs: ['Your name, contact details and addresses when you order or create an account, and the orders you place. We never see or store full card numbers: payments are handled by our payment provider.'] },
      { heading: 'How we protect it', paragraphs: ['Personal details are encrypted at rest with keys held in a key management service, every staff action on your data is recorded in a tamper-evident audit trail, and staff sign in with two factors.'] },
      { heading: 'Your rights', paragraphs: ['From your account you can download everything we hold about you, or delete your account. We keep order records as tax law requires, with your personal details removed.'] },
    ],
  },
  {
    slug: 'terms',
    title: 'Terms of sale',
    group: 'policies',
    summary: 'The agreement between you and us when you buy.',
    sections: [
      { heading: 'Prices', paragraphs: ['Prices include VAT. The price you pay is the one shown at checkout; if a price changes while an item is in your cart, we tell you before you pay.'] },
      { heading: 'Your contract', paragraphs: ['A contract is formed when we email your order confirmation. Your statutory rights are not affected.'] },
    ],
  },
  {
    slug: 'security',
    title: 'Security',
    group: 'policies',
    summary: 'How we keep the shop and your account safe, and how to report a problem.',
    sections: [
      { heading: 'Reporting a vulnerability', paragraphs: ['Email security@bastion.example with the details. We reply within two working days and credit researchers who report responsibly.'] },
      { heading: 'Your account', paragraphs: ['Use a long, unique password and turn on two-step verification in your account settings. We will never ask for your password by email or phone.'] },
    ],
  },
];

export const contentBySlug = new Map(contentPages.map((p) => [p.slug, p]));
