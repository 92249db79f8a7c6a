import type { FastifyReply, FastifyRequest } from 'fastify';
import { privateNoStore } from '../../http/answers.js';
import { readCookie } from '../../http/csrf.js';
import { sameSecret } from '../../kernel/same-secret.js';
import type { Session } from '../auth/index.js';
import type { CartOwner } from './cart.service.js';

/**
 * The guest cart's cookie: `<token>.<signature>`, HttpOnly, SameSite=Lax, Secure (and `__Host-` named)
 * when PUBLIC_URL is https. The token is 256 bits from the CSPRNG; the database holds only its SHA-256.
 * The signature is an HMAC under the encryption module's sealed blind-index key (the same on every
 * instance and across restarts), so a forged or truncated cookie is dropped before any query.
 */
export interface CartCookies {
  ownerOf(request: FastifyRequest): Promise<CartOwner>;
  set(reply: FastifyReply, token: string): Promise<void>;
  clear(reply: FastifyReply): void;
  /** Whether the request carries a cart cookie at all (valid or not). */
  present(request: FastifyRequest): boolean;
}

export function createCartCookies(deps: {
  publicUrl: string;
  maxAgeDays: number;
  sessionOf: (request: FastifyRequest) => Promise<Session | undefined>;
  /** HMAC-SHA256 under a sealed key (FieldEncryption.blindIndex). */
  mac: (table: string, column: string, value: string) => Promise<Buffer>;
}): CartCookies {
  const secure = new URL(deps.publicUrl).protocol === 'https:';
  const name = secure ? '__Host-cart' : 'cart';
  const sign = async (token: string) => (await deps.mac('cart', 'cookie', token)).toString('base64url');
  const attributes = `Path=/; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;

  const tokenOf = async (request: FastifyRequest): Promise<string | undefined> => {
    const value = readCookie(request.headers.cookie, name);
    const match = value === undefined ? null : /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(value);
    if (match === null) return undefined;
    return sameSecret(match[2]!, await sign(match[1]!)) ? match[1] : undefined;
  };

  return {
    present: (request) => readCookie(request.headers.cookie, name) !== undefined,
    async ownerOf(request) {
      // A session waiting for its second factor is not signed in yet: its cart stays the guest's.
      const [session, guestToken] = await Promise.all([deps.sessionOf(request).catch(() => undefined), tokenOf(request)]);
      return {
        ...(session !== undefined && session.mfaVerified ? { customerId: session.userId } : {}),
        ...(guestToken !== undefined ? { guestToken } : {}),
      };
    },
    async set(reply, token) {
      reply.header('set-cookie', `${name}=${token}.${await sign(token)}; Max-Age=${deps.maxAgeDays * 86_400}; ${attributes}`);
      reply.header('cache-control', privateNoStore);
    },
    clear(reply) {
      reply.header('set-cookie', `${name}=; Max-Age=0; ${attributes}`);
      reply.header('cache-control', privateNoStore);
    },
  };
}
