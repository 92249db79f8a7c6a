import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { sendPage } from '../../web/html-reply.js';
import type { PageContext } from '../../web/page-context.js';
import * as S from './catalog.schemas.js';
import { categoryHead, homeHead, productHead } from './catalog.seo.js';
import type { CatalogService } from './catalog.service.js';
import { CategoryPage } from './pages/category-page.js';
import { HomePage } from './pages/home-page.js';
import { ProductPage } from './pages/product-page.js';

export interface CatalogRouteDeps {
  catalog: CatalogService;
  pageContext: (path: string) => Promise<PageContext>;
}

const pageSize = 24;

/** Catalog JSON API under /api/v1 and the storefront pages /, /c/:slug and /p/:slug. */
export function registerCatalogRoutes(app: FastifyInstance, { catalog, pageContext }: CatalogRouteDeps): void {
  app.get('/api/v1/categories', { schema: { tags: ['catalog'], summary: 'List the categories with their product counts', response: { 200: Type.Object({ items: Type.Array(S.Category) }) } } }, async () => ({
    items: await catalog.listCategories(),
  }));

  app.get<{ Querystring: { category?: string; limit: number; offset: number } }>(
    '/api/v1/products',
    { schema: { tags: ['catalog'], summary: 'List active products, newest first, a page at a time', querystring: S.ProductListQuery, response: { 200: S.ProductPage } } },
    async (request) => catalog.listProducts(request.query),
  );

  app.get<{ Params: { idOrSlug: string } }>(
    '/api/v1/products/:idOrSlug',
    { schema: { tags: ['catalog'], summary: 'Get one active product by id or slug, with its variants and stock', params: S.ProductRefParams, response: { 200: S.ProductDetail } } },
    async (request) => catalog.getProduct(request.params.idOrSlug),
  );

  // A read with a body: clients holding a saved list (wishlist, recently viewed) refresh it in one call.
  app.post<{ Body: { ids?: string[]; slugs?: string[] } }>(
    '/api/v1/products/batch',
    { bodyLimit: 16 * 1024, schema: { tags: ['catalog'], summary: 'Refresh a saved list: summaries of up to 50 products by id or slug', body: S.ProductBatchBody, response: { 200: Type.Object({ items: Type.Array(S.ProductSummary) }) } } },
    async (request) => ({ items: await catalog.findProducts(request.body) }),
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const [ctx, categories, latest, featured] = await Promise.all([
      pageContext(request.url),
      catalog.listCategories(),
      catalog.listProducts({ limit: 8, offset: 0 }),
      catalog.listProducts({ limit: 1, offset: 0, featuredFirst: true }),
    ]);
    const data = { hero: featured.items[0], categories, products: latest.items };
    const head = homeHead(ctx.publicUrl, ctx.shopName, 'Considered goods for everyday living', 'Well-made homeware, apparel and stationery, delivered across the UK.', data.hero?.image?.url);
    return sendPage(request, reply, <HomePage ctx={ctx} head={head} data={data} />);
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number } }>(
    '/c/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: S.PageQuery } },
    async (request, reply) => {
      const pageNumber = request.query.page;
      const [ctx, category, page] = await Promise.all([
        pageContext(request.url),
        catalog.getCategory(request.params.slug),
        catalog.listProducts({ category: request.params.slug, limit: pageSize, offset: (pageNumber - 1) * pageSize }),
      ]);
      const head = categoryHead(ctx.publicUrl, category, pageNumber);
      return sendPage(request, reply, <CategoryPage ctx={ctx} head={head} category={category} page={page} pageNumber={pageNumber} />);
    },
  );

  app.get<{ Params: { slug: string }; Querystring: { image?: number } }>(
    '/p/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: Type.Object({ image: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })) }) } },
    async (request, reply) => {
      const [ctx, product] = await Promise.all([pageContext(request.url), catalog.getProduct(request.params.slug)]);
      const related = (await catalog.listProducts({ category: product.category.slug, limit: 5, offset: 0 })).items.filter((p) => p.id !== product.id).slice(0, 4);
      const head = productHead(ctx.publicUrl, ctx.shopName, product);
      return sendPage(request, reply, <ProductPage ctx={ctx} head={head} product={product} imageIndex={(request.query.image ?? 1) - 1} related={related} />);
    },
  );
}
