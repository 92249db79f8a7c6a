import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SettingsReader } from '../kernel/settings.js';
import { privateNoStore } from './answers.js';

/** How long a shared cache (CloudFront) may keep an anonymous catalog answer, and serve it stale. */
export interface PublicCacheSettings {
  /** CATALOG_CDN_MAX_AGE: seconds a shared cache treats the answer as fresh (browsers: 0, they revalidate). */
  sMaxAgeSeconds: number;
  /** CATALOG_CDN_STALE_WHILE_REVALIDATE: seconds a stale copy may still be served while it is refetched. */
  staleWhileRevalidateSeconds: number;
}

export function readPublicCacheSettings(read: SettingsReader): PublicCacheSettings {
  return {
    sMaxAgeSeconds: read.integer('CATALOG_CDN_MAX_AGE', 60, { min: 0, max: 86_400 }),
    staleWhileRevalidateSeconds: read.integer('CATALOG_CDN_STALE_WHILE_REVALIDATE', 300, { min: 0, max: 86_400 }),
  };
}

/** The Cache-Control of an answer that is the same for every anonymous visitor. */
export function publicCacheControl(settings: PublicCacheSettings): string {
  return `public, max-age=0, s-maxage=${settings.sMaxAgeSeconds}, stale-while-revalidate=${settings.staleWhileRevalidateSeconds}`;
}

/**
 * Whether the request may carry someone's session (or any other state of theirs). Any cookie counts:
 * the answer may then show the account or hold a token bound to it, so it is never stored publicly.
 */
export function isPersonalRequest(request: FastifyRequest): boolean {
  return request.headers.cookie !== undefined || request.headers.authorization !== undefined;
}

/** A weak validator of the exact bytes sent: it holds across instances and survives a CDN's compression. */
export function weakEtag(body: string | Buffer): string {
  return `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
}

/** RFC 9110 13.1.2: If-None-Match compares weakly; `*` matches any current representation. */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((candidate) => {
    const tag = candidate.trim();
    return tag === '*' || tag.replace(/^W\//, '') === opaque;
  });
}

function addVary(reply: FastifyReply, ...names: string[]): void {
  const current = String(reply.getHeader('vary') ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  const lower = new Set(current.map((v) => v.toLowerCase()));
  for (const name of names) if (!lower.has(name.toLowerCase())) current.push(name);
  reply.header('vary', current.join(', '));
}

/**
 * Marks the answers of an encapsulated scope (catalog pages, the public catalog API) for shared caches:
 * - a request carrying a cookie or credentials gets `private, no-store` (its page may show the account);
 * - an anonymous successful GET gets `public, max-age=0, s-maxage=…, stale-while-revalidate=…` and a weak
 *   ETag of its body, answered 304 with no body when the client already holds it (If-None-Match);
 * - `Vary: Accept-Encoding, Cookie`, since the body is compressed on the way and differs with a session.
 * A route (or an earlier hook, such as a freshly minted CSRF cookie) that already made the answer private
 * keeps it private.
 */
export function cachePublicly(scope: FastifyInstance, settings: PublicCacheSettings): void {
  const value = publicCacheControl(settings);
  scope.addHook('onSend', async (request, reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return payload;
    addVary(reply, 'Accept-Encoding', 'Cookie');
    const current = String(reply.getHeader('cache-control') ?? '');
    if (isPersonalRequest(request) || reply.hasHeader('set-cookie') || /private|no-store/.test(current)) {
      reply.header('cache-control', privateNoStore);
      return payload;
    }
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const etag = weakEtag(payload);
    reply.header('cache-control', value).header('etag', etag);
    if (matchesIfNoneMatch(request.headers['if-none-match'], etag)) {
      reply.code(304).removeHeader('content-type').removeHeader('content-length');
      return '';
    }
    return payload;
  });
}
