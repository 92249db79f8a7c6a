import type { Db } from '../../db/database.js';
import { newId } from '../../kernel/ids.js';
import type { CatalogBrowse, CatalogChange, CatalogIndexSource, IndexCategory, ListingFacets, ListingQuery, ListingResult, ProductSummary } from '../catalog/index.js';
import { stockLevel } from '../inventory/index.js';
import type { MediaUrls } from '../media/index.js';
import type { OutboxJob, OutboxService } from '../outbox/index.js';
import { facet, priceBands } from './search.documents.js';
import type { SearchIndexer } from './search.indexer.js';
import * as repo from './search.repository.js';
import { matchQuery, rankQuery, searchTerms } from './search.text.js';

export const searchJobs = { index: 'search.index', reindexAll: 'search.reindex-all' } as const;

/** Full text finding fewer matches than this turns typo tolerance on. */
const fewMatches = 3;
/** How many near words each misspelt word may stand for. */
const nearWordsPerTerm = 4;
/**
 * How far a listing counts, how many matches its facets are counted over and how many a search ranks:
 * beyond it a total reads "1,000+", facet counts come from the first 1,000 matches and relevance orders the
 * first 1,000 the text index yields. Exact below it; the cost of a listing stops growing with the catalog.
 */
export const listingCap = 1_000;

export interface SearchService extends CatalogBrowse {
  /**
   * Writes a `search.index` job for the products in the caller's transaction, so their documents are
   * rebuilt after the change commits (and never when it rolls back).
   */
  queueIndex(trx: Db, productIds: readonly string[]): Promise<void>;
  /**
   * For changes that come often and name few products (stock levels): the `search.index` jobs to write
   * with `enqueueCoalesced`, one per product, so a run of sales rebuilds a document once, not once a sale.
   */
  indexJobsCoalesced(productIds: readonly string[]): OutboxJob<{ productIds: string[] }>[];
  /** The search module's part of the catalog's change listener. */
  onCatalogChange(trx: Db, change: CatalogChange): Promise<void>;
  /** Writes a `search.reindex-all` job (a change that may move any product in or out of a collection). */
  queueReindexAll(trx: Db): Promise<void>;
  /** Categories by slug, for filters named in a URL. */
  categoryBySlug(slug: string): Promise<IndexCategory | undefined>;
  indexer: SearchIndexer;
}

/** Listings, search and facets over search_document, and the jobs that keep it in step with the catalog. */
export function createSearchService(deps: { db: Db; source: CatalogIndexSource; indexer: SearchIndexer; media: MediaUrls; outbox: Pick<OutboxService, 'enqueue' | 'handle'> }): SearchService {
  const { db, source, indexer, media, outbox } = deps;

  outbox.handle<{ productIds: string[] }>(searchJobs.index, async (payload) => {
    await indexer.indexProducts(payload.productIds);
  });
  outbox.handle(searchJobs.reindexAll, async () => {
    await indexer.reindexAll();
  });

  const toSummary = (r: repo.ListingRow): ProductSummary => ({
    id: r.product_id,
    slug: r.slug,
    name: r.name,
    category: { slug: r.category_slug, name: r.category_name },
    price: { amount: r.price_min, currency: r.currency },
    compareAtPrice: r.compare_at_amount !== null ? { amount: r.compare_at_amount, currency: r.currency } : null,
    stock: stockLevel(r.available, r.low_stock_threshold),
    image: r.image ? media.image(r.image) : null,
    ...(r.sole_variant_id !== null ? { soleVariantId: r.sole_variant_id } : {}),
  });

  const facetsOf = async (counts: { value: string; n: number }[], query: ListingQuery): Promise<ListingFacets> => {
    const byValue = new Map(counts.map((c) => [c.value, c.n]));
    const categories = await source.categories();
    const options = new Map<string, { value: string; count: number; selected: boolean }[]>();
    for (const { value, n } of counts) {
      if (!value.startsWith('option:')) continue;
      const rest = value.slice('option:'.length);
      const cut = rest.indexOf('=');
      if (cut < 0) continue;
      const name = rest.slice(0, cut);
      const v = rest.slice(cut + 1);
      const selected = query.options?.[name]?.includes(v) ?? false;
      if (n === 0 && !selected) continue;
      const list = options.get(name) ?? [];
      list.push({ value: v, count: n, selected });
      options.set(name, list);
    }
    return {
      categories: categories
        .map((c) => ({ id: c.id, slug: c.slug, name: c.name, parentId: c.parentId, count: byValue.get(facet.category(c.id)) ?? 0 }))
        .filter((c) => c.count > 0),
      price: priceBands.map((b) => ({
        ...b,
        count: byValue.get(facet.price(b)) ?? 0,
        selected: query.priceMin === b.min && query.priceMax === (b.max === null ? undefined : b.max - 1),
      })),
      options: [...options].sort(([a], [b]) => a.localeCompare(b)).map(([name, values]) => ({ name, values: values.sort(byOptionValue) })),
      inStock: { count: byValue.get(facet.inStock) ?? 0, selected: query.inStock === true },
    };
  };

  const list = async (query: ListingQuery): Promise<ListingResult> => {
    const terms = query.text !== undefined ? searchTerms(query.text) : [];
    const hasText = query.text !== undefined && query.text.trim() !== '';
    const page = { limit: query.limit, offset: query.offset };
    if (hasText && terms.length === 0) {
      // Nothing searchable was typed (only punctuation or symbols): no match, and no query is run.
      return { items: [], total: 0, ...page, ...(query.facets ? { facets: await facetsOf([], query) } : {}), text: { terms, fuzzy: false } };
    }
    let categoryId = query.categoryId;
    if (categoryId === undefined && query.categorySlug !== undefined) {
      categoryId = (await source.categories()).find((c) => c.slug === query.categorySlug)?.id;
      if (categoryId === undefined) return { items: [], total: 0, ...page, ...(query.facets ? { facets: await facetsOf([], query) } : {}) };
    }
    const filter: repo.DocumentFilter = {
      ...(terms.length > 0 ? { text: { match: matchQuery(terms), rank: rankQuery(terms) } } : {}),
      ...(categoryId !== undefined ? { categoryId } : {}),
      ...(query.collectionId !== undefined ? { collectionId: query.collectionId } : {}),
      ...(query.priceMin !== undefined ? { priceMin: query.priceMin } : {}),
      ...(query.priceMax !== undefined ? { priceMax: query.priceMax } : {}),
      optionGroups: Object.entries(query.options ?? {})
        .filter(([, values]) => values.length > 0)
        .map(([name, values]) => ({ prefix: `option:${name}=`, facets: values.map((v) => facet.option(name, v)) })),
      inStock: query.inStock === true,
    };
    const sort = query.sort === 'relevance' && terms.length === 0 ? 'featured' : query.sort;

    if (query.total === false && !query.facets && !filter.text) {
      // A plain list that needs no count: one index scan for the page and nothing over the whole set.
      const items = (await repo.findPage(db, filter, sort, page.limit, page.offset, listingCap)).map(toSummary);
      return { items, total: items.length, ...page };
    }
    const run = async (trx: Db, f: repo.DocumentFilter): Promise<{ total: number; counts: { value: string; n: number }[] }> => {
      if (query.facets) {
        // The total counts every filter; the facets, the first matches of the base set (both bounded).
        const [total, counts] = await Promise.all([repo.countMatches(trx, f, listingCap), repo.countFacets(trx, f, listingCap)]);
        return { total, counts };
      }
      return { total: await repo.countMatches(trx, f, listingCap), counts: [] };
    };

    let counted = await run(db, filter);
    let used = filter;
    let fuzzy = false;
    if (used.text && counted.total < fewMatches) {
      // Few exact matches: each word may also be one of the known words near it ("shrt" → "shirt").
      const near = await repo.findSimilarWords(db, terms.filter((t) => [...t].length >= 3), nearWordsPerTerm);
      if (near.size > 0) {
        const widened = { ...filter, text: { match: matchQuery(terms, near), rank: rankQuery(terms, near) } };
        const again = await run(db, widened);
        if (again.total > counted.total) {
          counted = again;
          used = widened;
          fuzzy = true;
        }
      }
    }
    const rows = counted.total === 0 ? [] : await repo.findPage(db, used, sort, page.limit, page.offset, listingCap);
    return {
      items: rows.map(toSummary),
      total: Math.min(counted.total, listingCap),
      ...(counted.total > listingCap ? { totalCapped: true } : {}),
      ...page,
      ...(query.facets ? { facets: await facetsOf(counted.counts, query) } : {}),
      ...(hasText ? { text: { terms, fuzzy } } : {}),
    };
  };

  const queueIndex = async (trx: Db, productIds: readonly string[]): Promise<void> => {
    const ids = [...new Set(productIds)];
    if (ids.length === 0) return;
    await outbox.enqueue(trx, { type: searchJobs.index, key: `${searchJobs.index}:${newId()}`, payload: { productIds: ids } });
  };

  const indexJobsCoalesced = (productIds: readonly string[]) =>
    [...new Set(productIds)].map((id) => ({ type: searchJobs.index, key: `${searchJobs.index}:product:${id}`, payload: { productIds: [id] } }));

  const queueReindexAll = async (trx: Db): Promise<void> => {
    await outbox.enqueue(trx, { type: searchJobs.reindexAll, key: `${searchJobs.reindexAll}:${newId()}`, payload: {} });
  };

  return {
    list,
    queueIndex,
    indexJobsCoalesced,
    queueReindexAll,
    async onCatalogChange(trx, change) {
      await queueIndex(trx, change.productIds);
      // A renamed or moved category changes its products' paths; a collection's rules may take in or
      // leave out any product: both are rebuilt in full, in the background.
      if (change.categoryIds.length > 0 || change.collectionIds.length > 0) await queueReindexAll(trx);
    },
    async categoryBySlug(slug) {
      return (await source.categories()).find((c) => c.slug === slug);
    },
    indexer,
  };
}

const sizeOrder = ['xxs', 'xs', 's', 'm', 'l', 'xl', 'xxl', 'xxxl'];

/** Sizes in wearing order, everything else in natural order ("2" before "10"). */
function byOptionValue(a: { value: string }, b: { value: string }): number {
  const sa = sizeOrder.indexOf(a.value.toLowerCase());
  const sb = sizeOrder.indexOf(b.value.toLowerCase());
  if (sa >= 0 && sb >= 0) return sa - sb;
  return a.value.localeCompare(b.value, undefined, { numeric: true });
}
