import { loadConfigWithSecrets } from '../load-config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

/** `npm run migrate`: applies pending migrations and prints what ran. */
const config = (await loadConfigWithSecrets()).config;
const database = await openDatabase(config.database);
try {
  const applied = await migrateToLatest(database.db);
  process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
} finally {
  await database.close();
}
