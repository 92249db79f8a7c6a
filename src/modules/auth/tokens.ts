/**
 * Server-side tokens, as the Copenhagen Book's "Server-side tokens" chapter lays them out.
 *
 * - A token is 32 bytes (256 bits) from the operating system's CSPRNG, encoded base64url (43 characters):
 *   far above the 112-bit floor, so guessing one is hopeless and no rate limit has to protect it.
 * - Only its SHA-256 is stored. A leaked database row cannot be replayed, and because the token is
 *   uniformly random a fast hash is enough (no salt or slow hash needed, unlike passwords).
 * - Single use means read-and-delete in one statement (`DELETE ... RETURNING`, see the repository), so two
 *   concurrent requests with the same token cannot both succeed.
 * - Lookups are by hash, an indexed equality on a value the attacker cannot choose; no timing-safe
 *   comparison is needed there.
 */
import { createHash, randomBytes } from 'node:crypto';

export const tokenBytes = 32;
const tokenPattern = /^[A-Za-z0-9_-]{43}$/;

/** A fresh random token for a cookie or a link. */
export function generateToken(): string {
  return randomBytes(tokenBytes).toString('base64url');
}

/** The value stored for a token: SHA-256 of its text. */
export function hashToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** True when `value` has the shape of a token; anything else is refused before any database work. */
export function isWellFormedToken(value: string): boolean {
  return tokenPattern.test(value);
}
