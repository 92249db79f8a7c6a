import type { FastifyInstance } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import { sendPage } from '../../web/html-reply.js';
import type { PageContextOf } from '../../web/page-context.js';
import { SlugParams } from '../catalog/index.js';
import { ContentPageView } from './content-page.js';
import { contentBySlug } from './content.data.js';

/** /pages/:slug: delivery, returns, contact and the policies linked from every footer. */
export function registerContentRoutes(app: FastifyInstance, { pageContext }: { pageContext: PageContextOf }): void {
  app.get<{ Params: { slug: string } }>('/pages/:slug', { schema: { hide: true, params: SlugParams } }, async (request, reply) => {
    const page = contentBySlug.get(request.params.slug);
    if (!page) throw new AppError('CONTENT_PAGE_NOT_FOUND', 'not_found', 'No such page.');
    return sendPage(request, reply, <ContentPageView ctx={await pageContext(request.url, request)} page={page} />);
  });
}
