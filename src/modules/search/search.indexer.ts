import type { Db } from '../../db/database.js';
import type { CatalogIndexSource, CollectionsService } from '../catalog/index.js';
import type { InventoryService } from '../inventory/index.js';
import { buildDocument, indexCollections, type DocumentInput } from './search.documents.js';
import * as repo from './search.repository.js';
import { vocabulary } from './search.text.js';

export interface SearchIndexer {
  /**
   * Rebuilds the documents of the named products from the catalog and the inventory as they are now, and
   * deletes those of products that no longer exist or cannot be listed. Idempotent: running it twice
   * writes the same rows.
   */
  indexProducts(productIds: readonly string[]): Promise<{ written: number; deleted: number }>;
  /** Rebuilds every document in batches of `batchSize` products, sweeping documents of deleted products. */
  reindexAll(options?: { batchSize?: number; onBatch?: (done: number) => void }): Promise<{ written: number }>;
}

/** Builds search documents from the catalog's index source, its collection definitions and the stock. */
export function createSearchIndexer(deps: {
  db: Db;
  source: CatalogIndexSource;
  collections: Pick<CollectionsService, 'collectionDefinitions'>;
  inventory: Pick<InventoryService, 'productStock'>;
}): SearchIndexer {
  const { db, source, collections: collectionsService, inventory } = deps;

  const build = async (productIds: readonly string[]): Promise<{ docs: DocumentInput[]; found: Set<string> }> => {
    const [products, stock, definitions] = await Promise.all([source.products(productIds), inventory.productStock(productIds), collectionsService.collectionDefinitions()]);
    const collections = indexCollections(definitions);
    const docs: DocumentInput[] = [];
    for (const product of products) {
      const doc = buildDocument(product, stock.get(product.id) ?? { available: 0, level: 'sold_out' }, collections);
      if (doc) docs.push(doc);
    }
    return { docs, found: new Set(docs.map((d) => d.productId)) };
  };

  return {
    async indexProducts(productIds) {
      const ids = [...new Set(productIds)];
      if (ids.length === 0) return { written: 0, deleted: 0 };
      const { docs, found } = await build(ids);
      const gone = ids.filter((id) => !found.has(id));
      await db.transaction().execute(async (trx) => {
        await repo.upsertDocuments(trx, docs);
        await repo.insertWords(trx, wordsOf(docs));
        await repo.deleteDocuments(trx, gone);
      });
      return { written: docs.length, deleted: gone.length };
    },

    async reindexAll(options = {}) {
      const batchSize = options.batchSize ?? 500;
      let after: string | null = null;
      let written = 0;
      for (;;) {
        const ids = await source.productIdsAfter(after, batchSize);
        const last = ids.length < batchSize ? null : ids[ids.length - 1]!;
        const { docs } = await build(ids);
        await db.transaction().execute(async (trx) => {
          await repo.upsertDocuments(trx, docs);
          await repo.insertWords(trx, wordsOf(docs));
          // Everything in this id range that is not a document just written belongs to no listable product.
          await repo.deleteDocumentsNotIn(trx, { after, upTo: last }, docs.map((d) => d.productId));
        });
        written += docs.length;
        options.onBatch?.(written);
        if (last === null) return { written };
        after = last;
      }
    },
  };
}

function wordsOf(docs: readonly DocumentInput[]): string[] {
  return [...new Set(docs.flatMap((d) => vocabulary(d.searchText)))].sort();
}
