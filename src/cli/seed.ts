import { parseArgs } from 'node:util';
import { loadConfigWithSecrets } from '../load-config.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemoCatalog, seedGeneratedCatalog } from '../modules/catalog/index.js';
import { createInventoryService } from '../modules/inventory/index.js';
import { openRuntime, type Runtime } from '../runtime.js';
import { progressBar } from './progress-bar.js';

/**
 * `npm run seed`: creates the demo catalog on an empty database (on any database, including PostgreSQL).
 * `npm run seed -- --products 10000`: adds that many generated products (a category tree, options and
 * variants, prices, tags, descriptions, an image each, opening stock), with a progress bar on stderr.
 */
const { values } = parseArgs({ options: { products: { type: 'string' }, 'batch-size': { type: 'string' } }, strict: true });
const count = values.products !== undefined ? Number(values.products) : undefined;
if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > 1_000_000)) {
  process.stderr.write('seed: --products takes a whole number from 1 to 1000000\n');
  process.exit(64); // EX_USAGE
}

/** Rebuilds what listings and search derive from the catalog, after a bulk load wrote it directly. */
async function rebuildDerivedData(_runtime: Runtime): Promise<void> {
  // The catalog tables are the whole of the data so far: nothing is derived from them yet.
}

const config = (await loadConfigWithSecrets()).config;
const runtime = await openRuntime(config);
try {
  await migrateToLatest(runtime.database.db);
  if (count === undefined) {
    const result = await seedDemoCatalog({ db: runtime.database.db, store: runtime.store, currency: config.shop.currency });
    process.stdout.write(
      result.seeded
        ? `Seeded ${result.categories} categories, ${result.products} products, ${result.variants} variants, ${result.images} images.\n`
        : 'The catalog already has data; nothing seeded.\n',
    );
  } else {
    const started = Date.now();
    const bar = progressBar('Products');
    const db = runtime.database.db;
    const result = await seedGeneratedCatalog(
      { db, store: runtime.store, inventory: createInventoryService({ db }), currency: config.shop.currency },
      { products: count, ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}), onProgress: (done, total) => bar.update(done, total) },
    );
    bar.done();
    await rebuildDerivedData(runtime);
    process.stdout.write(
      `Seeded ${result.products} products, ${result.variants} variants, ${result.images} images (${result.imagesDrawn} drawn) and ${result.categories} new categories ` +
        `on ${runtime.database.kind} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
    );
  }
} finally {
  await runtime.database.close();
}
