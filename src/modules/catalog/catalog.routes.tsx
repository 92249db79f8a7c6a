import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import { sendPage } from '../../web/html-reply.js';
import type { PageContext } from '../../web/page-context.js';
import * as S from './catalog.schemas.js';
import type { CatalogService } from './catalog.service.js';
import { CategoryPage } from './pages/category-page.js';
import { HomePage } from './pages/home-page.js';
import { ProductPage } from './pages/product-page.js';
import { categoryTree } from './catalog.tree.js';

export interface CatalogRouteDeps {
  catalog: CatalogService;
  /** The current slug of a category an old slug belonged to (categories keep their old slugs redirecting). */
  categorySlugTarget?: (oldSlug: string) => Promise<string | undefined>;
  pageContext: (path: string) => Promise<PageContext>;
  /** The current slug of the product an old slug belonged to, so old links answer 301. */
  currentSlugFor?: (oldSlug: string) => Promise<string | undefined>;
}

const pageSize = 24;

/** Catalog JSON API under /api/v1 and the storefront pages /, /c/:slug and /p/:slug. */
export function registerCatalogRoutes(app: FastifyInstance, { catalog, pageContext, categorySlugTarget, currentSlugFor }: CatalogRouteDeps): void {
  /**
   * A product that is not found under this slug may have moved: 301 to its current address (query kept),
   * and undefined to say the answer is sent.
   */
  const orMoved = async <T,>(request: FastifyRequest, reply: FastifyReply, slug: string, prefix: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (err) {
      const moved = err instanceof AppError && err.code === 'CATALOG_PRODUCT_NOT_FOUND' ? await currentSlugFor?.(slug) : undefined;
      if (moved === undefined) throw err;
      const query = request.url.indexOf('?');
      await reply.redirect(`${prefix}${moved}${query >= 0 ? request.url.slice(query) : ''}`, 301);
      return undefined;
    }
  };

  app.get('/api/v1/categories', { schema: { tags: ['catalog'], summary: 'The category tree: top-level categories, each with its children', response: { 200: Type.Object({ items: Type.Array(S.CategoryNode) }) } } }, async () => ({
    items: categoryTree(await catalog.listCategories()),
  }));

  app.get<{ Querystring: { category?: string; limit: number; offset: number } }>(
    '/api/v1/products',
    { schema: { tags: ['catalog'], querystring: S.ProductListQuery, response: { 200: S.ProductPage } } },
    async (request) => catalog.listProducts(request.query),
  );

  app.get<{ Params: { idOrSlug: string } }>(
    '/api/v1/products/:idOrSlug',
    { schema: { tags: ['catalog'], params: S.ProductRefParams, response: { 200: S.ProductDetail } } },
    async (request, reply) => (await orMoved(request, reply, request.params.idOrSlug, '/api/v1/products/', () => catalog.getProduct(request.params.idOrSlug))) ?? reply,
  );

  // A read with a body: clients holding a saved list (wishlist, recently viewed) refresh it in one call.
  app.post<{ Body: { ids?: string[]; slugs?: string[] } }>(
    '/api/v1/products/batch',
    { bodyLimit: 16 * 1024, schema: { tags: ['catalog'], body: S.ProductBatchBody, response: { 200: Type.Object({ items: Type.Array(S.ProductSummary) }) } } },
    async (request) => ({ items: await catalog.findProducts(request.body) }),
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const [ctx, categories, latest, featured] = await Promise.all([
      pageContext(request.url),
      catalog.listCategories(),
      catalog.listProducts({ limit: 8, offset: 0 }),
      catalog.listProducts({ limit: 1, offset: 0, featuredFirst: true }),
    ]);
    const data = { hero: featured.items[0], categories: categories.filter((c) => c.parentId === null), products: latest.items };
    return sendPage(request, reply, <HomePage ctx={ctx} data={data} />);
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number } }>(
    '/c/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: S.PageQuery } },
    async (request, reply) => {
      const pageNumber = request.query.page;
      const loaded = await Promise.all([
        pageContext(request.url),
        catalog.getCategory(request.params.slug),
        catalog.listProducts({ category: request.params.slug, limit: pageSize, offset: (pageNumber - 1) * pageSize }),
      ]).catch(async (err: unknown) => {
        // A category's old slug answers 301 to its current one, with the query (filters, page) kept.
        const moved = err instanceof AppError && err.code === 'CATALOG_CATEGORY_NOT_FOUND' && categorySlugTarget ? await categorySlugTarget(request.params.slug) : undefined;
        if (moved === undefined) throw err;
        return moved;
      });
      if (typeof loaded === 'string') return reply.redirect(`/c/${loaded}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`, 301);
      const [ctx, category, page] = loaded;
      return sendPage(request, reply, <CategoryPage ctx={ctx} category={category} page={page} pageNumber={pageNumber} />);
    },
  );

  app.get<{ Params: { slug: string }; Querystring: { image?: number } }>(
    '/p/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: Type.Object({ image: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }) } },
    async (request, reply) => {
      const [ctx, product] = await Promise.all([pageContext(request.url), orMoved(request, reply, request.params.slug, '/p/', () => catalog.getProduct(request.params.slug))]);
      if (product === undefined) return reply;
      const related = (await catalog.listProducts({ category: product.category.slug, limit: 5, offset: 0 })).items.filter((p) => p.id !== product.id).slice(0, 4);
      return sendPage(request, reply, <ProductPage ctx={ctx} product={product} imageIndex={(request.query.image ?? 1) - 1} related={related} />);
    },
  );
}
