import type { KeyRing } from './adapters/keys/key-ring.js';
import { openKeyRing } from './adapters/keys/open-key-ring.js';
import { createAwsSecretStore } from './adapters/secrets/aws.js';
import { databasePasswordProvider } from './adapters/secrets/environment.js';
import type { ObjectStore } from './adapters/storage/object-store.js';
import { openObjectStore } from './adapters/storage/open-object-store.js';
import type { Config } from './config.js';
import { openDatabase, type DatabaseHandle } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { seedDemoCatalog, type SeedResult } from './modules/catalog/index.js';
import { seedDemoPricing } from './modules/pricing/index.js';
import { reindexCatalog } from './modules/search/index.js';

/** The adapters a process opens once and closes on shutdown. */
export interface Runtime {
  database: DatabaseHandle;
  store: ObjectStore;
  keyRing: KeyRing;
}

export async function openRuntime(config: Config): Promise<Runtime> {
  const secretArn = config.database.kind === 'postgres' ? config.database.passwordSecretArn : undefined;
  const database = await openDatabase(
    config.database,
    secretArn !== undefined ? { password: databasePasswordProvider(createAwsSecretStore(), secretArn) } : {},
  );
  const keyRing = await openKeyRing(config);
  const store = openObjectStore(config, keyRing);
  return { database, store, keyRing };
}

/**
 * Brings the schema up to date and, on an empty embedded database (or when SEED_DEMO=always), creates
 * the demo catalog so `npm start` shows a real shop; builds the search index when it is empty.
 */
export async function prepareDatabase(config: Config, runtime: Runtime): Promise<{ migrations: string[]; seed: SeedResult | undefined }> {
  const migrations = await migrateToLatest(runtime.database.db);
  const wantSeed = config.seedDemo === 'always' || (config.seedDemo === 'auto' && config.database.kind === 'pglite');
  const seed = wantSeed
    ? await seedDemoCatalog({ db: runtime.database.db, store: runtime.store, currency: config.shop.currency })
    : undefined;
  // Tax rates, delivery and a demo code, so the demo shop can check out (only into an empty setup).
  if (wantSeed) await seedDemoPricing(runtime.database.db, config.shop.currency);
  // Listings read the search index: build it after a seed, or on a database that has never had one.
  await reindexCatalog(runtime.database.db, { onlyIfEmpty: seed?.seeded !== true });
  return { migrations, seed };
}
