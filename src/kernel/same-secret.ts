import { timingSafeEqual } from 'node:crypto';

/**
 * Whether a secret the client sent (a token, a signature, an OAuth state) is exactly the one expected, in
 * time that does not depend on where they differ. Compared as text, so only the spelling the app issued
 * matches (base64url, for one, has several spellings of some byte strings).
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
