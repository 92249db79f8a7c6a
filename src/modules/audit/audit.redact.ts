import { canonicalJson } from './audit.chain.js';
import type { FieldChange } from './audit.types.js';

export const redacted = '[redacted]';

/**
 * Field names treated as personal data or secrets wherever they appear, at any depth: a name is split
 * into words (snake_case, kebab-case or camelCase) and is personal when one word, or the whole name,
 * is in these lists. Callers add their own with `personalFields` (a product's `name` is not personal;
 * a customer's is, so the customer module names it).
 */
const personalWords = new Set([
  'email', 'mail', 'phone', 'mobile', 'address', 'street', 'postcode', 'zip', 'dob', 'birth', 'birthday',
  'password', 'passphrase', 'secret', 'token', 'totp', 'otp', 'iban', 'cvc', 'cvv', 'ssn', 'passport',
]);
const personalNames = new Set([
  'firstname', 'lastname', 'fullname', 'surname', 'givenname', 'familyname', 'cardnumber', 'pan', 'taxid', 'ip', 'ipaddress',
]);

function isPersonal(name: string, extra: ReadonlySet<string>): boolean {
  if (extra.has(name)) return true;
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[_\-.\s]+/).filter(Boolean);
  return words.some((w) => personalWords.has(w.replace(/\d+$/, ''))) || personalNames.has(words.join(''));
}

function redactDeep(value: unknown, extra: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, extra));
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, isPersonal(k, extra) ? redacted : redactDeep(v, extra)]),
    );
  }
  return value;
}

/**
 * The fields that differ between `before` and `after` (compared by canonical JSON), each as
 * { before, after }. A personal field that changed is kept as changed, with both sides redacted, so the
 * trail says *that* an address changed without saying what to.
 */
export function diffForAudit(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
  personalFields: readonly string[] = [],
): Record<string, FieldChange> | null {
  if (!before && !after) return null;
  const extra = new Set(personalFields);
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  const changes: Record<string, FieldChange> = {};
  for (const key of [...keys].sort()) {
    const b = before?.[key];
    const a = after?.[key];
    if (canonicalJson(b ?? null) === canonicalJson(a ?? null)) continue;
    changes[key] = isPersonal(key, extra)
      ? { before: b === undefined ? null : redacted, after: a === undefined ? null : redacted }
      : { before: redactDeep(b ?? null, extra), after: redactDeep(a ?? null, extra) };
  }
  return changes;
}
