import { loadConfigWithSecrets } from '../load-config.js';
import { migrateToLatest } from '../db/migrate.js';
import { reindexCatalog } from '../modules/search/index.js';
import { openRuntime } from '../runtime.js';

/**
 * `npm run search:reindex`: rebuilds every search document from the catalog and the stock as they are
 * now, in batches (after a bulk load straight into the tables, or to repair the index).
 */
const config = (await loadConfigWithSecrets()).config;
const runtime = await openRuntime(config);
try {
  await migrateToLatest(runtime.database.db);
  const started = Date.now();
  const { written } = await reindexCatalog(runtime.database.db, { onBatch: (done) => process.stdout.write(`\rIndexed ${done} products`) });
  process.stdout.write(`\rIndexed ${written} products in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
} finally {
  await runtime.database.close();
}
