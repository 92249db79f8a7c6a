import type { FastifyInstance } from 'fastify';
import { cachePublicly, type PublicCacheSettings } from '../../http/http-cache.js';
import type { FooterLink, PageContextOf } from '../../web/page-context.js';
import { contentPages } from './content.data.js';
import { registerContentRoutes } from './content.routes.js';

/** The shop's information pages (delivery, returns, policies) under /pages/:slug. */
export async function contentPlugin(app: FastifyInstance, options: { pageContext: PageContextOf; caching: PublicCacheSettings }): Promise<void> {
  cachePublicly(app, options.caching);
  registerContentRoutes(app, options);
}

/** The footer's links to the information pages. */
export const contentFooterLinks: readonly FooterLink[] = contentPages.map((p) => ({ group: p.group, href: `/pages/${p.slug}`, title: p.title }));

/** The information pages for the sitemap (a SitemapSource): static, so they carry no date. */
export const contentSitemap = {
  name: 'pages',
  stats: async () => ({ count: contentPages.length, lastModified: null }),
  entries: async (offset: number, limit: number) => contentPages.slice(offset, offset + limit).map((p) => ({ path: `/pages/${p.slug}` })),
};
