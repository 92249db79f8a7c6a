import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * OpenAPI 3 document generated from the route schemas, served as JSON at /api/docs/json. People read it
 * at /api/docs, a server-rendered page (web/api-docs-page.tsx): a bundled Swagger UI would need inline
 * script, which the CSP forbids.
 */
export async function registerOpenApi(app: FastifyInstance, options: { title: string; version: string; publicUrl: string }): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: `${options.title} API`, version: options.version },
      servers: [{ url: options.publicUrl }],
      tags: [{ name: 'catalog', description: 'Products and categories: public, cached by the CDN for anonymous callers.' }],
    },
  });
  app.get('/api/docs/json', { schema: { hide: true } }, async () => app.swagger());
}
