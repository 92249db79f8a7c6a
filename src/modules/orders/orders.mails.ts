import type { MailMessage } from '../../adapters/mail/mailer.js';
import type { Money } from '../../kernel/money.js';
import { formatMoney } from '../../web/format.js';
import { compose, type MailBrand } from '../auth/index.js';

/** The orders module's mails, plain text first, in the auth mails' style and brand. */

export interface MailOrder {
  number: string;
  email: string;
  lines: { productName: string; variantTitle: string; quantity: number; total: Money }[];
  totals: { subtotal: Money; discount: Money; shipping: Money; tax: Money; total: Money; taxInclusive: boolean };
  shippingMethodName: string | null;
}

const lineText = (l: MailOrder['lines'][number], locale: string) =>
  `${l.quantity} × ${l.productName}${l.variantTitle && l.variantTitle !== 'Default' ? ` (${l.variantTitle})` : ''}: ${formatMoney(l.total, locale)}`;

function totalsText(o: MailOrder, locale: string): string[] {
  const m = (x: Money) => formatMoney(x, locale);
  return [
    `Subtotal: ${m(o.totals.subtotal)}`,
    ...(o.totals.discount.amount > 0 ? [`Discount: −${m(o.totals.discount)}`] : []),
    `Delivery${o.shippingMethodName ? ` (${o.shippingMethodName})` : ''}: ${m(o.totals.shipping)}`,
    o.totals.taxInclusive ? `Total: ${m(o.totals.total)} (including ${m(o.totals.tax)} tax)` : `Tax: ${m(o.totals.tax)}\nTotal: ${m(o.totals.total)}`,
  ];
}

/** Sent once the payment is confirmed: the lines, the totals and the link to the order. */
export function confirmationMail(brand: MailBrand, locale: string, order: MailOrder, link: string): MailMessage {
  return compose(
    brand,
    order.email,
    `Order ${order.number} confirmed`,
    [
      `Thank you for your order. We have your payment and are getting order ${order.number} ready. You can follow it here:`,
      ['What you ordered:', ...order.lines.map((l) => lineText(l, locale))].join('\n'),
      totalsText(order, locale).join('\n'),
      'We will write again when it ships. Keep this mail: the link above opens your order at any time.',
    ],
    { url: link, label: `View order ${order.number}` },
  );
}

export function shippingMail(
  brand: MailBrand,
  locale: string,
  order: MailOrder,
  link: string,
  shipment: { carrier: string | null; trackingNumber: string | null; lines: { productName: string; quantity: number }[]; complete: boolean },
): MailMessage {
  const tracking = shipment.trackingNumber ? `Tracking number${shipment.carrier ? ` (${shipment.carrier})` : ''}: ${shipment.trackingNumber}` : shipment.carrier ? `Carrier: ${shipment.carrier}` : 'It is on its way.';
  return compose(
    brand,
    order.email,
    shipment.complete ? `Order ${order.number} has shipped` : `Part of order ${order.number} has shipped`,
    [
      `${shipment.complete ? 'Your order is on its way.' : 'Part of your order is on its way; we will write again when the rest ships.'} See its progress here:`,
      ['In this parcel:', ...shipment.lines.map((l) => `${l.quantity} × ${l.productName}`)].join('\n'),
      tracking,
    ],
    { url: link, label: `Track order ${order.number}` },
  );
}

export function refundMail(brand: MailBrand, locale: string, order: MailOrder, link: string, refund: { amount: Money; totalRefunded: Money; complete: boolean }): MailMessage {
  return compose(
    brand,
    order.email,
    `A refund for order ${order.number}`,
    [
      `We have refunded ${formatMoney(refund.amount, locale)} to your original payment method for order ${order.number}${refund.complete ? ', which is now refunded in full' : ''}. The order:`,
      `Refunded so far: ${formatMoney(refund.totalRefunded, locale)} of ${formatMoney(order.totals.total, locale)}.`,
      'Banks usually show a refund within 5 to 10 working days.',
    ],
    { url: link, label: `View order ${order.number}` },
  );
}

/** Why an order was cancelled, as the shopper is told it (a staff member's reason stays internal). */
export type CancelledBecause = 'payment_failed' | 'hold_expired' | 'shop';

const cancelOpening: Record<CancelledBecause, (number: string) => string> = {
  payment_failed: (n) => `Your payment for order ${n} did not go through, so we have cancelled the order.`,
  hold_expired: (n) => `We did not receive the payment for order ${n} in time, so we have cancelled the order.`,
  shop: (n) => `We have cancelled order ${n}.`,
};

/**
 * Sent once when an order is cancelled, whoever cancelled it: what was ordered and whether money moved
 * (`refunded`: the whole sum paid, given back; null: nothing was taken).
 */
export function cancellationMail(brand: MailBrand, locale: string, order: MailOrder, link: string, outcome: { because: CancelledBecause; refunded: Money | null }): MailMessage {
  const money = outcome.refunded
    ? `We have refunded ${formatMoney(outcome.refunded, locale)} in full to your original payment method. Banks usually show a refund within 5 to 10 working days.`
    : 'Nothing was charged. If your bank shows a pending amount for this order, it is released and disappears from your statement within a few days.';
  return compose(
    brand,
    order.email,
    `Order ${order.number} cancelled`,
    [
      `${cancelOpening[outcome.because](order.number)} You can still see the order here:`,
      money,
      ['What was in the order:', ...order.lines.map((l) => lineText(l, locale))].join('\n'),
      'If you still want these items, you are welcome to order them again.',
    ],
    { url: link, label: `View order ${order.number}` },
  );
}
