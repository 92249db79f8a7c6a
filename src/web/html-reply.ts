import type { FastifyReply, FastifyRequest } from 'fastify';
import type { VNode } from 'preact';
import { privateNoStore } from '../http/answers.js';
import { renderPage } from './render.js';

/**
 * Sends a server-rendered page. Anonymous requests may be cached briefly by a CDN; anything carrying a
 * cookie is private, so one shopper's page is never served to another.
 */
export function sendPage(request: FastifyRequest, reply: FastifyReply, page: VNode, status = 200): FastifyReply {
  const anonymous = request.headers.cookie === undefined;
  return reply
    .code(status)
    .header('cache-control', anonymous && status === 200 ? 'public, max-age=60, stale-while-revalidate=300' : privateNoStore)
    .type('text/html; charset=utf-8')
    .send(renderPage(page));
}

/** Pages with personal data or form tokens: never stored by a browser or a proxy. */
export function sendPrivatePage(reply: FastifyReply, page: VNode): FastifyReply {
  return reply.header('cache-control', privateNoStore).type('text/html; charset=utf-8').send(renderPage(page));
}
