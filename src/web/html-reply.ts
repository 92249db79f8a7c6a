import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { privateNoStore } from '../http/answers.js';
import { isPersonalRequest } from '../http/http-cache.js';
import { renderPage } from './render.js';

/**
 * Sends a server-rendered page. Anything carrying a cookie, and any page that is not a success, is
 * private, so one shopper's page is never served to another; an anonymous success is left to the
 * scope's caching (http/http-cache.ts cachePublicly: s-maxage, ETag and 304).
 */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  if (isPersonalRequest(request) || status !== 200) reply.header('cache-control', privateNoStore);
  return reply.code(status).type('text/html; charset=utf-8').send(renderPage(page));
}

/** Pages with personal data or form tokens: never stored by a browser or a proxy. */
export function sendPrivatePage(reply: FastifyReply, page: VNode): FastifyReply {
  return reply.header('cache-control', privateNoStore).type('text/html; charset=utf-8').send(renderPage(page));
}
