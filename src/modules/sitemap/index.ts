import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { cachePublicly, type PublicCacheSettings } from '../../http/http-cache.js';
import { robotsTxt, sitemapIndexXml, urlSetXml } from './sitemap.xml.js';

/** One kind of storefront page for the sitemap (products, categories, collections, content pages). */
export interface SitemapSource {
  /** A short name, used in the page's URL: /sitemaps/<name>-<n>.xml. */
  name: string;
  stats(): Promise<{ count: number; lastModified: Date | null }>;
  /** Entries in a stable order: the same offset always names the same slice. */
  entries(offset: number, limit: number): Promise<{ path: string; lastModified?: Date | null }[]>;
}

export interface SitemapOptions {
  publicUrl: string;
  sources: SitemapSource[];
  caching: PublicCacheSettings;
  /** URLs per sitemap page; the protocol's limit (and the default) is 50,000. */
  urlsPerPage?: number;
}

const xml = 'application/xml; charset=utf-8';

/** /sitemap.xml (an index of pages of at most 50,000 URLs each), its pages under /sitemaps/, /robots.txt. */
export async function sitemapPlugin(app: FastifyInstance, options: SitemapOptions): Promise<void> {
  const perPage = Math.min(options.urlsPerPage ?? 50_000, 50_000);
  const absolute = (path: string) => new URL(path, options.publicUrl).href;
  const byName = new Map(options.sources.map((s) => [s.name, s]));
  cachePublicly(app, options.caching);

  app.get('/robots.txt', { schema: { hide: true } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').send(robotsTxt(absolute('/sitemap.xml'))));

  app.get('/sitemap.xml', { schema: { hide: true } }, async (_request, reply) => {
    const stats = await Promise.all(options.sources.map(async (s) => ({ source: s, ...(await s.stats()) })));
    const pages = stats.flatMap(({ source, count, lastModified }) =>
      Array.from({ length: Math.ceil(count / perPage) }, (_, i) => ({ url: absolute(`/sitemaps/${source.name}-${i + 1}.xml`), lastModified })),
    );
    return reply.type(xml).send(sitemapIndexXml(pages));
  });

  app.get<{ Params: { name: string; page: number } }>(
    '/sitemaps/:name-:page.xml',
    { schema: { hide: true, params: Type.Object({ name: Type.String({ pattern: '^[a-z]{1,32}$' }), page: Type.Integer({ minimum: 1, maximum: 100_000 }) }) } },
    async (request, reply) => {
      const source = byName.get(request.params.name);
      const entries = source ? await source.entries((request.params.page - 1) * perPage, perPage) : [];
      // A page past the end (or of no kind) is not an empty sitemap: crawlers should drop it.
      if (entries.length === 0) return reply.code(404).type(xml).header('cache-control', 'no-store').send(urlSetXml([]));
      return reply.type(xml).send(urlSetXml(entries.map((e) => ({ url: absolute(e.path), lastModified: e.lastModified ?? null }))));
    },
  );
}
