/**
 * Device cookies (OWASP, "Slow down online guessing attacks with device cookies"): a browser or client
 * that has signed in to an account gets a cookie naming that account, a random nonce and a MAC under a
 * key every instance shares. Presented with the right password's account, it marks a known client, which
 * is throttled on its own budget (per nonce) instead of the account's budget for unknown clients; so
 * thousands of wrong guesses from elsewhere never lock the owner out of the browser they always use.
 *
 * The MAC is a blind index (HMAC-SHA256 under a key derived from the sealed index key), so no new secret
 * is configured and a cookie made by one instance is recognised by every other.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from '../../http/csrf.js';
import { isSecureRequest } from '../../http/proxy-trust.js';
import type { FieldEncryption } from '../encryption/index.js';

/** A year: the cookie is only a hint for the throttle, never a credential. */
export const deviceCookieMaxAgeSeconds = 365 * 24 * 3600;
const shape = /^([0-9a-f-]{36})\.([A-Za-z0-9_-]{22})\.([0-9a-f]{32})$/;

export interface KnownDevices {
  /** A new device cookie value for the account. */
  issue(userId: string): Promise<string>;
  /** The device's nonce when `cookie` is a device cookie this shop issued for `userId`; else undefined. */
  recognise(cookie: string | undefined, userId: string): Promise<string | undefined>;
}

export function createKnownDevices(fieldEncryption: FieldEncryption): KnownDevices {
  const mac = async (userId: string, nonce: string) => (await fieldEncryption.blindIndex('auth_device', 'cookie', `${userId}.${nonce}`)).subarray(0, 16);
  return {
    async issue(userId) {
      const nonce = randomBytes(16).toString('base64url');
      return `${userId}.${nonce}.${(await mac(userId, nonce)).toString('hex')}`;
    },
    async recognise(cookie, userId) {
      const m = cookie === undefined ? null : shape.exec(cookie);
      if (m === null || m[1] !== userId) return undefined;
      const [, , nonce = '', given = ''] = m;
      return timingSafeEqual(Buffer.from(given, 'hex'), await mac(userId, nonce)) ? nonce : undefined;
    },
  };
}

/** The device cookie's name: `__Host-` needs Secure, which needs HTTPS. */
function deviceCookieName(request: FastifyRequest): string {
  return isSecureRequest(request) ? '__Host-device' : 'device';
}

export function readDeviceCookie(request: FastifyRequest): string | undefined {
  return readCookie(request.headers.cookie, deviceCookieName(request));
}

export function setDeviceCookie(request: FastifyRequest, reply: FastifyReply, value: string): void {
  const secure = isSecureRequest(request);
  reply.header(
    'set-cookie',
    `${deviceCookieName(request)}=${value}; Path=/; Max-Age=${deviceCookieMaxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`,
  );
}
