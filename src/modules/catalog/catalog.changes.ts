import type { Db } from '../../db/database.js';

/**
 * What a committed catalog change touched. Writers call the listener inside their transaction; app.ts
 * composes the listener from what must follow a change (the search index, the read caches of every
 * instance, the CDN), each written as an outbox job so it happens after the commit, exactly when it does.
 */
export interface CatalogChange {
  productIds: string[];
  categoryIds: string[];
  collectionIds: string[];
  /** Storefront paths whose answers changed, old slugs included, e.g. '/p/linen-shirt'. */
  paths: string[];
}

export type CatalogChangeListener = (trx: Db, change: CatalogChange) => Promise<void>;
