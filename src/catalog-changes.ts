import { randomUUID } from 'node:crypto';
import type { Signal } from './adapters/cache/signal.js';
import type { CdnInvalidator } from './adapters/cdn/cdn.js';
import type { Db } from './db/database.js';
import type { CatalogChange, CatalogChangeListener } from './modules/catalog/index.js';
import type { Outbox, OutboxJob } from './modules/outbox/index.js';

/** Outbox job types that follow a catalog change. */
export const cacheInvalidateJob = 'catalog.cache-invalidate';
export const cdnInvalidateJob = 'cdn.invalidate';

/** The CDN job: paths to drop, and products whose pages to drop (looked up when it runs). */
interface CdnJob {
  paths: string[];
  productIds?: string[];
}

/** The message every instance hears on the catalog's signal: drop the read cache. */
const dropReadCache = 'catalog:drop';

export interface CatalogChanges {
  /** Handed to every catalog writer (`onChange`): called inside the writer's transaction. */
  listener: CatalogChangeListener;
  /** Handed to inventory (`onLevelsChanged`): a stock level changed for these products. */
  onLevelsChanged: (trx: Db, productIds: string[]) => Promise<void>;
}

export interface CatalogChangesDeps {
  outbox: Outbox;
  /** The search module's part: its index jobs, written in the same transaction. */
  search: { onCatalogChange: CatalogChangeListener; indexJobsCoalesced: (productIds: readonly string[]) => OutboxJob[] };
  /** This instance's read cache in front of the catalog. */
  readCache: { invalidate(): void };
  /** Heard by every instance (Redis pub/sub with REDIS_URL, else this process). */
  signal: Signal;
  cdn: CdnInvalidator;
  /** Storefront paths of products by id, for a stock change that names only ids (read after the commit). */
  productPaths: (productIds: string[]) => Promise<string[]>;
}

/**
 * What follows a committed catalog change, each part an outbox job written in the writer's transaction
 * so it happens exactly when the change commits: the search index is brought up to date, every
 * instance drops its read cache, and the CDN drops its copies of the changed pages.
 */
export function composeCatalogChanges(deps: CatalogChangesDeps): CatalogChanges {
  const { outbox, signal, cdn } = deps;

  signal.onMessage((message) => {
    if (message === dropReadCache) deps.readCache.invalidate();
  });
  outbox.handle(cacheInvalidateJob, async () => signal.send(dropReadCache));
  outbox.handle<CdnJob>(cdnInvalidateJob, async ({ paths, productIds }) => {
    const products = productIds && productIds.length > 0 ? await deps.productPaths(productIds) : [];
    await cdn.invalidate([...paths, ...products.map((p) => `${p}*`)]);
  });

  const listener: CatalogChangeListener = async (trx, change) => {
    await deps.search.onCatalogChange(trx, change);
    await outbox.enqueue(trx, { type: cacheInvalidateJob, key: `${cacheInvalidateJob}:${randomUUID()}`, payload: {} });
    const paths = cdnPaths(change);
    if (cdn.kind !== 'none' && paths.length > 0) {
      await outbox.enqueue(trx, { type: cdnInvalidateJob, key: `${cdnInvalidateJob}:${randomUUID()}`, payload: { paths } });
    }
  };

  return {
    listener,
    // Stock moves with every sale: each product's follow-ups are coalesced (one pending job per product and
    // kind, whatever the number of sales meanwhile), so a busy product costs its orders no queue of jobs.
    async onLevelsChanged(trx, productIds) {
      const ids = [...new Set(productIds)];
      if (ids.length === 0) return;
      // The writer's transaction holds its connection: the pages' paths are looked up when the job runs.
      const cdnJobs = (id: string): OutboxJob<CdnJob>[] =>
        cdn.kind === 'none' ? [] : [{ type: cdnInvalidateJob, key: `${cdnInvalidateJob}:product:${id}`, payload: { paths: cdnPaths({ productIds: [id], categoryIds: [], collectionIds: [], paths: [] }), productIds: [id] } }];
      await outbox.enqueueCoalesced(trx, [
        ...deps.search.indexJobsCoalesced(ids),
        ...ids.flatMap((id): OutboxJob[] => [{ type: cacheInvalidateJob, key: `${cacheInvalidateJob}:product:${id}`, payload: {} }, ...cdnJobs(id)]),
      ]);
    },
  };
}

/**
 * The CDN paths to drop for a change. Each page path gets a trailing `*`, since CloudFront keys copies by
 * query string too (`/c/linen?page=2&sort=price`). A product appears on the home page, in listings and
 * search results and in the sitemap, so a product change drops those as well.
 */
export function cdnPaths(change: CatalogChange): string[] {
  const paths = new Set(change.paths.map((p) => (p.endsWith('*') ? p : `${p}*`)));
  if (change.productIds.length + change.categoryIds.length + change.collectionIds.length > 0) {
    for (const p of ['/', '/search*', '/sitemap.xml', '/sitemaps/*']) paths.add(p);
  }
  return [...paths].sort();
}
