import type { FastifyInstance } from 'fastify';
import type { ObjectStore } from '../../adapters/storage/object-store.js';
import { mediaNotFound } from './media.errors.js';

const publicKey = /^media\/[a-z0-9][a-z0-9/._-]{0,200}$/;

/**
 * Public product media. Keys hold a content hash, so responses are immutable; only keys under media/
 * are reachable here, never private objects.
 */
export function registerMediaRoutes(app: FastifyInstance, { store }: { store: ObjectStore }): void {
  app.get('/media/*', { schema: { hide: true } }, async (request, reply) => {
    const key = `media/${(request.params as { '*': string })['*']}`;
    const object = publicKey.test(key) && !key.includes('..') ? await store.get(key) : undefined;
    if (!object) throw mediaNotFound();
    return reply
      .header('cache-control', 'public, max-age=31536000, immutable')
      // The type comes from the key the pipeline wrote, never from sniffing the bytes.
      .header('x-content-type-options', 'nosniff')
      .header('content-length', object.size)
      .type(object.contentType)
      .send(object.body);
  });
}
