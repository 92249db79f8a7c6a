import type { FastifyInstance } from 'fastify';
import { AppError } from '../../kernel/errors.js';
import { sendPage } from '../../web/html-reply.js';
import type { PageContextOf } from '../../web/page-context.js';
import {
  listingFilters,
  listingPageSize,
  listingPurchase,
  optionsOf,
  PageQuery,
  parseListingParams,
  SlugParams,
  type CardPurchaseSlot,
  type CollectionsService,
  type ListingParams,
  type ListingQuery,
  type ListingSort,
  type ListingView,
} from '../catalog/index.js';
import { searchCategoryNotFound, searchCollectionNotFound } from './search.errors.js';
import * as S from './search.schemas.js';
import type { SearchService } from './search.service.js';
import { displayQuery } from './search.text.js';
import { CollectionPage } from './pages/collection-page.js';
import { SearchPage } from './pages/search-page.js';

export interface SearchRouteDeps {
  search: SearchService;
  collections: Pick<CollectionsService, 'publishedBySlug' | 'collectionDefinitions'>;
  pageContext: PageContextOf;
  /** Add to cart on the listing cards (the cart module's form, given by app.ts). */
  purchase?: CardPurchaseSlot | undefined;
}

const searchSorts: ListingSort[] = ['relevance', 'newest', 'price-asc', 'price-desc'];
const collectionSorts: ListingSort[] = ['featured', 'newest', 'price-asc', 'price-desc'];

/** /search and /api/v1/search; storefront collection pages /collections/:slug. */
export function registerSearchRoutes(app: FastifyInstance, { search, collections, pageContext, purchase }: SearchRouteDeps): void {
  /** A published collection by slug with its id; `moved` for an old slug, undefined when there is none. */
  const publishedCollection = async (slug: string) => {
    const found = await collections.publishedBySlug(slug).catch((err: unknown) => {
      if (err instanceof AppError && err.category === 'not_found') return undefined;
      throw err;
    });
    if (found === undefined || 'moved' in found) return found;
    const id = (await collections.collectionDefinitions()).find((d) => d.slug === found.collection.slug)?.id;
    return id === undefined ? undefined : { ...found.collection, id };
  };

  /** A page's listing from its URL: an unknown category in the query string is dropped, not an error. */
  const pageListing = async (params: ListingParams, extra: Partial<ListingQuery>, sorts: ListingSort[]) => {
    const category = params.category !== undefined ? await search.categoryBySlug(params.category) : undefined;
    const kept: ListingParams = category === undefined ? { ...params, category: undefined } : params;
    if (category === undefined) delete kept.category;
    const result = await search.list({
      ...listingFilters(kept),
      ...(category ? { categoryId: category.id } : {}),
      ...extra,
      sort: kept.sort !== undefined && sorts.includes(kept.sort) ? kept.sort : sorts[0]!,
      limit: listingPageSize,
      offset: (kept.page - 1) * listingPageSize,
      facets: true,
    });
    return { params: kept, result };
  };

  app.get<{ Querystring: { page: number } }>('/search', { schema: { hide: true, querystring: PageQuery } }, async (request, reply) => {
    const raw = parseListingParams(request.query);
    const q = displayQuery(raw.q ?? '');
    const ctx = await pageContext(request.url, request);
    if (q === '') return sendPage(request, reply, <SearchPage ctx={ctx} q="" view={undefined} fuzzy={false} />);
    const { params, result } = await pageListing({ ...raw, q, page: request.query.page }, { text: q }, searchSorts);
    const view: ListingView = { base: '/search', params, result, locale: ctx.locale, categories: 'choose', sorts: searchSorts, purchase: listingPurchase(purchase, request) };
    return sendPage(request, reply, <SearchPage ctx={ctx} q={q} view={view} fuzzy={result.text?.fuzzy ?? false} />);
  });

  app.get<{ Params: { slug: string }; Querystring: { page: number } }>(
    '/collections/:slug',
    { schema: { hide: true, params: SlugParams, querystring: PageQuery } },
    async (request, reply) => {
      const [ctx, collection] = await Promise.all([pageContext(request.url, request), publishedCollection(request.params.slug)]);
      if (!collection) throw searchCollectionNotFound(request.params.slug);
      if ('moved' in collection) return reply.redirect(`/collections/${collection.moved}${request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : ''}`, 301);
      const raw = { ...parseListingParams(request.query), page: request.query.page };
      delete raw.q;
      const { params, result } = await pageListing(raw, { collectionId: collection.id }, collectionSorts);
      const view: ListingView = { base: `/collections/${collection.slug}`, params, result, locale: ctx.locale, categories: 'choose', sorts: collectionSorts, purchase: listingPurchase(purchase, request) };
      return sendPage(request, reply, <CollectionPage ctx={ctx} collection={collection} view={view} />);
    },
  );

  app.get<{ Querystring: S.SearchQueryString }>(
    '/api/v1/search',
    { schema: { tags: ['search'], summary: 'Search active products: full text with typo tolerance, facets with counts, filters, sort and pages', querystring: S.SearchQuery, response: { 200: S.SearchResponse } } },
    async (request) => {
      const q = request.query;
      const [category, collection] = await Promise.all([
        q.category !== undefined ? search.categoryBySlug(q.category) : undefined,
        q.collection !== undefined ? publishedCollection(q.collection) : undefined,
      ]);
      if (q.category !== undefined && !category) throw searchCategoryNotFound(q.category);
      // An old collection slug is not followed here: an API client is told, and asks again by the new one.
      if (q.collection !== undefined && (!collection || 'moved' in collection)) throw searchCollectionNotFound(q.collection);
      const result = await search.list({
        ...(q.q !== undefined ? { text: q.q } : {}),
        ...(category ? { categoryId: category.id } : {}),
        ...(collection && !('moved' in collection) ? { collectionId: collection.id } : {}),
        ...(q.price_min !== undefined ? { priceMin: q.price_min } : {}),
        ...(q.price_max !== undefined ? { priceMax: q.price_max } : {}),
        options: optionsOf(q.option),
        inStock: q.in_stock === true,
        sort: q.sort ?? (q.q !== undefined && q.q.trim() !== '' ? 'relevance' : 'featured'),
        limit: q.limit,
        offset: q.offset,
        facets: true,
      });
      const facets = result.facets!;
      const slugOf = new Map(facets.categories.map((c) => [c.id, c.slug]));
      return {
        items: result.items,
        total: result.total,
        ...(result.totalCapped ? { totalCapped: true } : {}),
        limit: result.limit,
        offset: result.offset,
        query: result.text ?? { terms: [], fuzzy: false },
        facets: {
          categories: facets.categories.map((c) => ({ slug: c.slug, name: c.name, parent: c.parentId === null ? null : (slugOf.get(c.parentId) ?? null), count: c.count })),
          price: facets.price.map((b) => ({ min: b.min, max: b.max, count: b.count })),
          options: facets.options.map((o) => ({ name: o.name, values: o.values.map((v) => ({ value: v.value, count: v.count })) })),
          inStock: facets.inStock.count,
        },
      };
    },
  );
}
