import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import { Type } from 'typebox';
import { AppError } from '../../kernel/errors.js';
import { sendPage } from '../../web/html-reply.js';
import type { PageContextOf } from '../../web/page-context.js';
import type { CatalogBrowse, ListingSort } from './catalog.browse.js';
import type { CollectionsService } from './catalog.collections.service.js';
import { collectionNotFound } from './catalog.structure.errors.js';
import * as S from './catalog.schemas.js';
import { categoryHead, homeHead, productHead } from './catalog.seo.js';
import type { CatalogService } from './catalog.service.js';
import type { ProductVariant } from './catalog.types.js';
import { CategoryPage } from './pages/category-page.js';
import { HomePage } from './pages/home-page.js';
import { listingFilters, listingPageSize, parseListingParams } from './pages/listing-params.js';
import { listingPurchase, type CardPurchaseSlot } from './pages/product-card.js';
import { ProductPage } from './pages/product-page.js';
import { categoryTree } from './catalog.tree.js';

export interface CatalogRouteDeps {
  catalog: CatalogService;
  /** The current slug of a category an old slug belonged to (categories keep their old slugs redirecting). */
  categorySlugTarget?: (oldSlug: string) => Promise<string | undefined>;
  pageContext: PageContextOf;
  /** Listings (category pages, the product list API, the home page's products) come through this port. */
  browse: CatalogBrowse;
  /** Published collections, for the product list's `collection` filter. */
  collections?: Pick<CollectionsService, 'collectionDefinitions'>;
  /** The current slug of the product an old slug belonged to, so old links answer 301. */
  currentSlugFor?: (oldSlug: string) => Promise<string | undefined>;
  /**
   * The product page's add-to-cart slot (the cart module's form), given the request so the form carries
   * a CSRF token only when the page is private anyway. `script` is the enhancement the page then loads.
   * `card`, when given, puts the one-unit form on listing cards (home and category pages).
   */
  purchase?: { form: (request: FastifyRequest, variant: ProductVariant) => ComponentChildren; script?: string | undefined } & Partial<Pick<CardPurchaseSlot, 'card'>>;
}

const categorySorts: ListingSort[] = ['featured', 'newest', 'price-asc', 'price-desc'];

/** Catalog JSON API under /api/v1 and the storefront pages /, /c/:slug and /p/:slug. */
export function registerCatalogRoutes(app: FastifyInstance, { catalog, pageContext, browse, collections, categorySlugTarget, currentSlugFor, purchase }: CatalogRouteDeps): void {
  // Listing cards sell too when the cart gave a card form (the home page's and category pages' grids).
  const cardSlot: CardPurchaseSlot | undefined = purchase?.card ? { card: purchase.card, script: purchase.script } : undefined;
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

  const publishedCollectionId = async (slug: string): Promise<string> => {
    const found = (await collections?.collectionDefinitions())?.find((c) => c.slug === slug && c.published);
    if (!found) throw collectionNotFound(slug);
    return found.id;
  };

  app.get<{ Querystring: S.ListingQueryString & { sort?: ListingSort } }>(
    '/api/v1/products',
    { schema: { tags: ['catalog'], summary: 'List active products: filters, sort and a page at a time', querystring: S.ProductListQuery, response: { 200: S.ProductPage } } },
    async (request) => {
      const q = request.query;
      const [categoryId, collectionId] = await Promise.all([
        q.category !== undefined ? catalog.getCategory(q.category).then((c) => c.id) : undefined,
        q.collection !== undefined ? publishedCollectionId(q.collection) : undefined,
      ]);
      const page = await browse.list({
        ...(categoryId !== undefined ? { categoryId } : {}),
        ...(collectionId !== undefined ? { collectionId } : {}),
        ...(q.price_min !== undefined ? { priceMin: q.price_min } : {}),
        ...(q.price_max !== undefined ? { priceMax: q.price_max } : {}),
        options: S.optionsOf(q.option),
        inStock: q.in_stock === true,
        sort: q.sort ?? 'newest',
        limit: q.limit,
        offset: q.offset,
      });
      return { items: page.items, total: page.total, ...(page.totalCapped ? { totalCapped: true } : {}), limit: page.limit, offset: page.offset };
    },
  );

  app.get<{ Params: { idOrSlug: string } }>(
    '/api/v1/products/:idOrSlug',
    { schema: { tags: ['catalog'], summary: 'Get one active product by id or slug, with its variants and stock', params: S.ProductRefParams, response: { 200: S.ProductDetail } } },
    async (request, reply) => (await orMoved(request, reply, request.params.idOrSlug, '/api/v1/products/', () => catalog.getProduct(request.params.idOrSlug))) ?? reply,
  );

  // A read with a body: clients holding a saved list (wishlist, recently viewed) refresh it in one call.
  app.post<{ Body: { ids?: string[]; slugs?: string[] } }>(
    '/api/v1/products/batch',
    { bodyLimit: 16 * 1024, schema: { tags: ['catalog'], summary: 'Refresh a saved list: summaries of up to 50 products by id or slug', body: S.ProductBatchBody, response: { 200: Type.Object({ items: Type.Array(S.ProductSummary) }) } } },
    async (request) => ({ items: await catalog.findProducts(request.body) }),
  );

  app.get('/', { schema: { hide: true } }, async (request, reply) => {
    const [ctx, categories, latest, featured] = await Promise.all([
      pageContext(request.url, request),
      catalog.listCategories(),
      browse.list({ sort: 'newest', limit: 8, offset: 0, total: false }),
      browse.list({ sort: 'featured', limit: 1, offset: 0, total: false }),
    ]);
    const data = { hero: featured.items[0], categories: categories.filter((c) => c.parentId === null), products: latest.items, purchase: listingPurchase(cardSlot, request) };
    const head = homeHead(ctx.publicUrl, ctx.shopName, 'Considered goods for everyday living', 'Well-made homeware, apparel and stationery, delivered across the UK.', data.hero?.image?.url);
    return sendPage(request, reply, <HomePage ctx={ctx} head={head} data={data} />);
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number } }>(
    '/c/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: S.PageQuery } },
    async (request, reply) => {
      // The page number is checked by the schema; the filters are read leniently (a bad one is dropped).
      const params = { ...parseListingParams(request.query), page: request.query.page };
      const loaded = await Promise.all([pageContext(request.url, request), catalog.getCategory(request.params.slug)]).catch(async (err: unknown) => {
        // A category's old slug answers 301 to its current one, with the query (filters, page) kept.
        const moved = err instanceof AppError && err.code === 'CATALOG_CATEGORY_NOT_FOUND' && categorySlugTarget ? await categorySlugTarget(request.params.slug) : undefined;
        if (moved === undefined) throw err;
        return moved;
      });
      if (typeof loaded === 'string') return reply.redirect(`/c/${loaded}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`, 301);
      const [ctx, category] = loaded;
      const result = await browse.list({
        ...listingFilters(params),
        categoryId: category.id,
        sort: params.sort !== undefined && categorySorts.includes(params.sort) ? params.sort : 'featured',
        limit: listingPageSize,
        offset: (params.page - 1) * listingPageSize,
        facets: true,
      });
      const children = (result.facets?.categories ?? []).filter((c) => c.parentId === category.id).map((c) => ({ slug: c.slug, name: c.name, count: c.count }));
      const view = { base: `/c/${category.slug}`, params, result, locale: ctx.locale, categories: { children }, sorts: categorySorts, purchase: listingPurchase(cardSlot, request) };
      const head = categoryHead(ctx.publicUrl, category, params.page);
      return sendPage(request, reply, <CategoryPage ctx={ctx} head={head} category={category} view={view} />);
    },
  );

  app.get<{ Params: { slug: string }; Querystring: S.ProductPageQuery }>(
    '/p/:slug',
    { schema: { hide: true, params: S.SlugParams, querystring: S.ProductPageQuery } },
    async (request, reply) => {
      const [ctx, product] = await Promise.all([pageContext(request.url, request), orMoved(request, reply, request.params.slug, '/p/', () => catalog.getProduct(request.params.slug))]);
      if (product === undefined) return reply;
      const related = (await browse.list({ categorySlug: product.category.slug, sort: 'featured', limit: 5, offset: 0, total: false })).items.filter((p) => p.id !== product.id).slice(0, 4);
      // Every other parameter names an option: ?Colour=Sage&Size=M (the picker's GET form).
      const { image, variant, ...rest } = request.query;
      const values = Object.fromEntries(Object.entries(rest).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
      const head = productHead(ctx.publicUrl, ctx.shopName, product);
      const page = (
        <ProductPage
          ctx={ctx}
          head={head}
          product={product}
          imageIndex={image === undefined ? undefined : image - 1}
          choice={{ variant, values }}
          related={related}
          {...(purchase ? { purchase: (chosen: ProductVariant) => purchase.form(request, chosen), purchaseScript: purchase.script } : {})}
        />
      );
      return sendPage(request, reply, page);
    },
  );
}
