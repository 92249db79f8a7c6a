import { sameSecret } from '../../kernel/same-secret.js';
import type { FieldEncryption } from '../encryption/index.js';

/**
 * The guest link to an order: `/account/orders/B10001?token=…`, in the confirmation mail, opening the
 * order without an account.
 *
 * The token is an HMAC-SHA256 of the order id and a per-order random nonce, under a key the key ring
 * seals (the encryption module's blind-index key, derived for this one purpose). Chosen over a stored
 * random token because the same link must appear in the confirmation page, the mail, and every resend
 * of it: an HMAC can be computed again at any time, while a stored token exists only as its hash. No new
 * secret to configure or share between instances, and the key rotates with the key ring. Revoking the
 * links of one order (the account's deletion does) is a new nonce. The links do not expire: a receipt is
 * looked at months later, and the page shows no more than the mail already did.
 */
export interface OrderLinks {
  token(orderId: string, nonce: Uint8Array): Promise<string>;
  verify(orderId: string, nonce: Uint8Array, token: string): Promise<boolean>;
}

const tokenShape = /^[A-Za-z0-9_-]{43}$/;

export function createOrderLinks(fieldEncryption: Pick<FieldEncryption, 'blindIndex'>): OrderLinks {
  const mac = (orderId: string, nonce: Uint8Array) => fieldEncryption.blindIndex('order', 'guest_link', `${orderId}:${Buffer.from(nonce).toString('hex')}`);
  return {
    async token(orderId, nonce) {
      return (await mac(orderId, nonce)).toString('base64url');
    },
    async verify(orderId, nonce, token) {
      if (!tokenShape.test(token)) return false;
      // As text: base64url's last character carries two spare bits, so only the spelling the shop wrote opens it.
      return sameSecret(token, (await mac(orderId, nonce)).toString('base64url'));
    },
  };
}

/** The path of an order's page for whoever holds the link. */
export const guestPath = (number: string, token: string): string => `/account/orders/${encodeURIComponent(number)}?token=${token}`;
