import { loadConfigWithSecrets } from '../load-config.js';
import { migrateToLatest } from '../db/migrate.js';
import { seedDemoCatalog } from '../modules/catalog/index.js';
import { reindexCatalog } from '../modules/search/index.js';
import { openRuntime } from '../runtime.js';

/** `npm run seed`: creates the demo catalog on an empty database (on any database, including PostgreSQL). */
const config = (await loadConfigWithSecrets()).config;
const runtime = await openRuntime(config);
try {
  await migrateToLatest(runtime.database.db);
  const result = await seedDemoCatalog({ db: runtime.database.db, store: runtime.store, currency: config.shop.currency });
  if (result.seeded) await reindexCatalog(runtime.database.db);
  process.stdout.write(
    result.seeded
      ? `Seeded ${result.categories} categories, ${result.products} products, ${result.variants} variants, ${result.images} images.\n`
      : 'The catalog already has data; nothing seeded.\n',
  );
} finally {
  await runtime.database.close();
}
