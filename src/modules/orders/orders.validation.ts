import type { PostalAddressFields } from '../../kernel/address.js';
import { isCountryCode } from '../../kernel/countries.js';
import { orderInvalid } from './orders.errors.js';
import type { PlaceOrderInput } from './orders.types.js';

/**
 * The checks `place` makes itself, whoever calls it: the checkout validates its forms field by field
 * for the shopper; these keep a bad value out of an order even from another caller.
 */
const limits = { name: 100, line: 200, city: 100, region: 100, postalCode: 20, phone: 30, email: 254, key: 200 } as const;
const controlCharacter = /\p{Cc}/u;
const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const keyShape = /^[A-Za-z0-9_.:-]{8,200}$/;

const tidy = (value: string | null | undefined): string | null => {
  if (value === undefined || value === null) return null;
  const t = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return t === '' ? null : t;
};

function text(problems: string[], label: string, value: string | null | undefined, max: number, required: boolean): string | null {
  const t = tidy(value);
  if (t === null) {
    if (required) problems.push(`${label} is required`);
  } else if ([...t].length > max) problems.push(`${label} must be ${max} characters or fewer`);
  else if (controlCharacter.test(t)) problems.push(`${label} must not contain control characters`);
  return t;
}

export function validAddress(which: string, a: PostalAddressFields | undefined): PostalAddressFields {
  const problems: string[] = [];
  if (a === undefined || a === null || typeof a !== 'object') throw orderInvalid(`The ${which} address is required.`);
  const name = text(problems, `${which} name`, a.name, limits.name, true);
  const line1 = text(problems, `${which} address line 1`, a.line1, limits.line, true);
  const line2 = text(problems, `${which} address line 2`, a.line2, limits.line, false);
  const city = text(problems, `${which} town or city`, a.city, limits.city, true);
  const region = text(problems, `${which} region`, a.region, limits.region, false);
  const postalCode = text(problems, `${which} postcode`, a.postalCode, limits.postalCode, true)?.toUpperCase() ?? null;
  const country = tidy(a.country)?.toUpperCase() ?? '';
  if (!isCountryCode(country)) problems.push(`${which} country must be an ISO 3166-1 code such as GB`);
  const phone = text(problems, `${which} phone`, a.phone, limits.phone, false);
  if (problems.length > 0) throw orderInvalid(`${problems.join('; ')}.`, { problems });
  return { name: name!, line1: line1!, line2, city: city!, region: region === null ? null : region.toUpperCase(), postalCode: postalCode!, country, phone };
}

export function validEmail(email: string): string {
  const t = (email ?? '').trim();
  if (t.length > limits.email || !emailShape.test(t) || controlCharacter.test(t)) throw orderInvalid('Enter an e-mail address, like name@example.com.');
  return t;
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

export function validPlaceInput(input: PlaceOrderInput): { email: string; shipping: PostalAddressFields; billing: PostalAddressFields | null } {
  if (typeof input.idempotencyKey !== 'string' || !keyShape.test(input.idempotencyKey)) {
    throw orderInvalid('The idempotency key must be 8 to 200 letters, digits or . _ : -');
  }
  if (typeof input.shippingMethodId !== 'string' || input.shippingMethodId.length === 0 || input.shippingMethodId.length > 100) throw orderInvalid('Choose a delivery method.');
  const email = validEmail(input.email);
  const shipping = validAddress('shipping', input.shippingAddress);
  const billing = input.billingAddress === undefined ? null : validAddress('billing', input.billingAddress);
  return { email, shipping, billing };
}
