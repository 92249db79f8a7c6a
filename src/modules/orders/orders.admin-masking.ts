import { maskEmail, maskedLine, maskName, maskPhone, maskPostalCode } from '../../kernel/masking.js';
import { can, type StaffRole } from '../../kernel/permissions.js';
import type { PostalAddressFields } from '../../kernel/address.js';
import type { OrderDetail, OrderList } from './orders.types.js';

/**
 * What the staff API shows of a shopper: e-mails and addresses are in clear only for the roles that ship
 * orders (`orders.fulfil`), as on the order page; read-only roles (auditor, catalog manager) get masked
 * fields in the same shape, so reading orders is never a way to export customers' personal data.
 */
export function personalDataInClear(role: StaffRole): boolean {
  return can(role, 'orders.fulfil');
}

export function listFor(role: StaffRole, list: OrderList): OrderList {
  if (personalDataInClear(role)) return list;
  return { ...list, items: list.items.map((o) => ({ ...o, email: o.email === '' ? '' : maskEmail(o.email) })) };
}

export function detailFor(role: StaffRole, detail: OrderDetail): OrderDetail {
  if (personalDataInClear(role)) return detail;
  return {
    ...detail,
    email: detail.email === '' ? '' : maskEmail(detail.email),
    shippingAddress: detail.shippingAddress && maskedAddress(detail.shippingAddress),
    billingAddress: detail.billingAddress && maskedAddress(detail.billingAddress),
  };
}

function maskedAddress(a: PostalAddressFields): PostalAddressFields {
  return {
    ...a,
    name: maskName(a.name),
    line1: maskedLine,
    line2: a.line2 === null ? null : maskedLine,
    city: maskedLine,
    region: a.region === null ? null : maskedLine,
    postalCode: maskPostalCode(a.postalCode),
    phone: a.phone === null ? null : maskPhone(a.phone),
  };
}
