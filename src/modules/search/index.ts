/**
 * The search module's public face: the index of one document per product (search_document), the listing
 * port the catalog's pages use, the /search page and API, storefront collection pages, and the jobs that
 * keep the index in step with the catalog and the stock.
 */
import type { Db } from '../../db/database.js';
import { createAuditService } from '../audit/index.js';
import { createCatalogIndexSource, createCollectionsService } from '../catalog/index.js';
import { createInventoryService } from '../inventory/index.js';
import { createSearchIndexer } from './search.indexer.js';
import { hasDocuments } from './search.repository.js';

export { withListingCache } from './search.cache.js';
export { createSearchIndexer, type SearchIndexer } from './search.indexer.js';
export { searchPlugin, type SearchRouteDeps } from './search.plugin.js';
export { createSearchService, searchJobs, type SearchService } from './search.service.js';

/**
 * Builds every document from the catalog as it is now (the demo seed, `npm run search:reindex`, a new
 * database). With `onlyIfEmpty`, does nothing when documents exist already.
 */
export async function reindexCatalog(db: Db, options: { onlyIfEmpty?: boolean; onBatch?: (done: number) => void } = {}): Promise<{ written: number }> {
  if (options.onlyIfEmpty && (await hasDocuments(db))) return { written: 0 };
  // Reading definitions records nothing: the audit trail is there only because the service's writes need it.
  const collections = createCollectionsService({ db, audit: createAuditService({ db }) });
  const indexer = createSearchIndexer({ db, source: createCatalogIndexSource({ db }), collections, inventory: createInventoryService({ db }) });
  return indexer.reindexAll(options.onBatch ? { onBatch: options.onBatch } : {});
}
