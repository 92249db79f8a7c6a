/**
 * The rules of the checkout's inputs: the e-mail address and the postal addresses. Values are tidied
 * (NFC, runs of white space made one space, trimmed) before they are checked, and every problem is
 * reported at once, each at its field, in the words the form shows.
 */
import type { PostalAddressFields } from '../../kernel/address.js';
import { isCountryCode } from '../../kernel/countries.js';
import type { FieldProblem } from './checkout.errors.js';

/** Bounds of each field, the same as a saved address's (customers module), so one fits the other. */
export const limits = { email: 254, name: 100, line: 200, city: 100, region: 100, postalCode: 20, phone: 30 } as const;

/** What a form or the API sends for an address: any field may be missing or empty. */
export type AddressInput = { [K in keyof PostalAddressFields]?: string | null | undefined };

export function tidy(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const tidied = value.normalize('NFC').replace(/\s+/gu, ' ').trim();
  return tidied === '' ? null : tidied;
}

const controlCharacter = /\p{Cc}/u;
const phoneShape = /^\+?[0-9 ()./-]+$/;
// One "@", no spaces, a dot in the domain: the shape browsers' type=email checks, not RFC 5322's all.
const emailShape = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

/**
 * Postcode shapes where they are simple and stable (Universal Postal Union formats); other countries
 * get the general shape (letters, digits, spaces and hyphens). Input is upper-cased first.
 */
const postalCodeShapes: Record<string, { re: RegExp; example: string }> = {
  GB: { re: /^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$/, example: 'SW1A 1AA' },
  US: { re: /^[0-9]{5}(-[0-9]{4})?$/, example: '94105 or 94105-1234' },
  CA: { re: /^[A-Z][0-9][A-Z] ?[0-9][A-Z][0-9]$/, example: 'K1A 0B1' },
  DE: { re: /^[0-9]{5}$/, example: '10115' },
  FR: { re: /^[0-9]{5}$/, example: '75001' },
  IT: { re: /^[0-9]{5}$/, example: '00184' },
  ES: { re: /^[0-9]{5}$/, example: '28013' },
  NL: { re: /^[0-9]{4} ?[A-Z]{2}$/, example: '1012 AB' },
  BE: { re: /^[0-9]{4}$/, example: '1000' },
  AT: { re: /^[0-9]{4}$/, example: '1010' },
  CH: { re: /^[0-9]{4}$/, example: '8001' },
  DK: { re: /^[0-9]{4}$/, example: '1050' },
  NO: { re: /^[0-9]{4}$/, example: '0150' },
  AU: { re: /^[0-9]{4}$/, example: '2000' },
  SE: { re: /^[0-9]{3} ?[0-9]{2}$/, example: '111 22' },
  PL: { re: /^[0-9]{2}-[0-9]{3}$/, example: '00-950' },
  PT: { re: /^[0-9]{4}-[0-9]{3}$/, example: '1100-148' },
  JP: { re: /^[0-9]{3}-?[0-9]{4}$/, example: '100-0001' },
};
const generalPostalCode = /^[A-Z0-9][A-Z0-9 -]*$/;

/** Countries where many or all addresses have no postcode: the field is optional there. */
const postcodeOptional = new Set(['AE', 'AG', 'AO', 'BS', 'BZ', 'CW', 'FJ', 'GH', 'HK', 'IE', 'JM', 'KI', 'MO', 'QA', 'TV', 'UG', 'ZW']);

function check(problems: FieldProblem[], field: string, label: string, value: string | null, rule: { max: number; required?: string }): string | null {
  if (value === null) {
    if (rule.required) problems.push({ field, message: rule.required });
  } else if ([...value].length > rule.max) problems.push({ field, message: `${label} must be ${rule.max} characters or fewer` });
  else if (controlCharacter.test(value)) problems.push({ field, message: `${label} must not contain control characters` });
  return value;
}

/** A subdivision typed as its code ("ca", "NY") is upper-cased, so tax rates by region find it. */
const regionOf = (value: string | null): string | null => (value !== null && /^[A-Za-z0-9]{1,3}$/.test(value) ? value.toUpperCase() : value);

/** A normalised e-mail address (the domain lower-cased) or the problem with it at `field`. */
export function validEmail(problems: FieldProblem[], field: string, input: string | null | undefined): string | null {
  const value = tidy(input);
  if (value === null) {
    problems.push({ field, message: 'Enter your e-mail address' });
    return null;
  }
  if (value.length > limits.email) {
    problems.push({ field, message: `E-mail address must be ${limits.email} characters or fewer` });
    return null;
  }
  if (!emailShape.test(value) || controlCharacter.test(value)) {
    problems.push({ field, message: 'Enter an e-mail address in the right format, like name@example.com' });
    return null;
  }
  const at = value.lastIndexOf('@');
  return `${value.slice(0, at)}@${value.slice(at + 1).toLowerCase()}`;
}

/**
 * Checks a whole postal address; `fieldOf` names each field for the problems (`shipLine1` on a form,
 * `shippingAddress.line1` in the API). Returns the tidied address, or undefined when a problem was found.
 */
export function validAddress(problems: FieldProblem[], input: AddressInput, fieldOf: (name: keyof PostalAddressFields) => string): PostalAddressFields | undefined {
  const before = problems.length;
  const name = check(problems, fieldOf('name'), 'Full name', tidy(input.name), { max: limits.name, required: 'Enter the full name of the person receiving the parcel' });
  const line1 = check(problems, fieldOf('line1'), 'Address line 1', tidy(input.line1), { max: limits.line, required: 'Enter the first line of the address' });
  const line2 = check(problems, fieldOf('line2'), 'Address line 2', tidy(input.line2), { max: limits.line });
  const city = check(problems, fieldOf('city'), 'Town or city', tidy(input.city), { max: limits.city, required: 'Enter the town or city' });
  const region = check(problems, fieldOf('region'), 'County, state or region', regionOf(tidy(input.region)), { max: limits.region });
  const country = tidy(input.country)?.toUpperCase() ?? null;
  if (country === null) problems.push({ field: fieldOf('country'), message: 'Select the country' });
  else if (!isCountryCode(country)) problems.push({ field: fieldOf('country'), message: 'Select a country from the list' });
  const countryOk = country !== null && isCountryCode(country);
  const postalField = fieldOf('postalCode');
  const optional = countryOk && postcodeOptional.has(country);
  const postalCode = check(problems, postalField, 'Postcode', tidy(input.postalCode)?.toUpperCase() ?? null, {
    max: limits.postalCode,
    ...(optional ? {} : { required: 'Enter the postcode or ZIP code' }),
  });
  if (postalCode !== null && !problems.some((p) => p.field === postalField)) {
    const shape = countryOk ? postalCodeShapes[country] : undefined;
    if (shape !== undefined && !shape.re.test(postalCode)) problems.push({ field: postalField, message: `Enter a real postcode for this country, like ${shape.example}` });
    else if (shape === undefined && !generalPostalCode.test(postalCode)) problems.push({ field: postalField, message: 'Enter a real postcode, using letters, numbers, spaces and hyphens only' });
  }
  const phoneField = fieldOf('phone');
  const phone = check(problems, phoneField, 'Phone number', tidy(input.phone), { max: limits.phone });
  if (phone !== null && !problems.some((p) => p.field === phoneField)) {
    const digits = phone.replace(/\D/g, '').length;
    if (!phoneShape.test(phone) || digits < 5 || digits > 20) problems.push({ field: phoneField, message: 'Enter a phone number, like 01632 960 001 or +44 7700 900 982' });
  }
  if (problems.length > before) return undefined;
  return { name: name!, line1: line1!, line2, city: city!, region, postalCode: postalCode ?? '', country: country!, phone };
}
