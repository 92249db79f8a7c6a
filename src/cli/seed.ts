import { parseArgs } from 'node:util';
import { loadConfigWithSecrets } from '../load-config.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemoCatalog, seedGeneratedCatalog } from '../modules/catalog/index.js';
import { createInventoryService } from '../modules/inventory/index.js';
import { seedDemoPricing } from '../modules/pricing/index.js';
import { reindexCatalog } from '../modules/search/index.js';
import { openRuntime } from '../runtime.js';
import { progressBar } from './progress-bar.js';

/**
 * `npm run seed`: creates the demo catalog on an empty database (on any database, including PostgreSQL).
 * `npm run seed -- --products 10000`: adds that many generated products (a category tree, options and
 * variants, prices, tags, descriptions, an image each, opening stock), with a progress bar on stderr,
 * then rebuilds the search index the listings read.
 */
const { values } = parseArgs({ options: { products: { type: 'string' }, 'batch-size': { type: 'string' } }, strict: true });
const count = values.products !== undefined ? Number(values.products) : undefined;
if (count !== undefined && (!Number.isInteger(count) || count < 1 || count > 1_000_000)) {
  process.stderr.write('seed: --products takes a whole number from 1 to 1000000\n');
  process.exit(64); // EX_USAGE
}

const config = (await loadConfigWithSecrets()).config;
const runtime = await openRuntime(config);
try {
  const db = runtime.database.db;
  await migrateToLatest(db);
  if (count === undefined) {
    const result = await seedDemoCatalog({ db, store: runtime.store, currency: config.shop.currency });
    if (result.seeded) await reindexCatalog(db);
    const pricing = await seedDemoPricing(db, config.shop.currency);
    process.stdout.write(
      result.seeded
        ? `Seeded ${result.categories} categories, ${result.products} products, ${result.variants} variants, ${result.images} images.\n`
        : 'The catalog already has data; nothing seeded.\n',
    );
    if (pricing) process.stdout.write('Seeded tax rates, delivery methods and the WELCOME10 code.\n');
  } else {
    const started = Date.now();
    const bar = progressBar('Products');
    let seeded = started;
    let written = 0;
    const result = await seedGeneratedCatalog(
      { db, store: runtime.store, inventory: createInventoryService({ db }), currency: config.shop.currency },
      {
        products: count,
        ...(values['batch-size'] ? { batchSize: Number(values['batch-size']) } : {}),
        onProgress: (done, total) => bar.update(done, total),
        // Listings and search read one document per product; the bulk load wrote the catalog tables directly.
        rebuildDerived: async () => {
          bar.done();
          seeded = Date.now();
          const index = progressBar('Search index');
          written = (await reindexCatalog(db, { onBatch: (done) => index.update(done, Math.max(done, count)) })).written;
          index.done();
        },
      },
    );
    process.stdout.write(
      `Seeded ${result.products} products, ${result.variants} variants, ${result.images} images (${result.imagesDrawn} drawn) and ${result.categories} new categories ` +
        `on ${runtime.database.kind} in ${((seeded - started) / 1000).toFixed(1)} s; indexed ${written} documents for search in ${((Date.now() - seeded) / 1000).toFixed(1)} s.\n`,
    );
  }
} finally {
  await runtime.database.close();
}
