import { createAwsSecretStore } from '../adapters/secrets/aws.js';
import { databasePasswordProvider } from '../adapters/secrets/environment.js';
import { loadConfigWithSecrets } from '../load-config.js';
import { openDatabase } from '../db/database.js';
import { migrateToLatest } from '../db/migrate.js';

/** `npm run migrate`: applies pending migrations and prints what ran. */
const config = (await loadConfigWithSecrets()).config;
// With DATABASE_SECRET_ARN (on AWS) the password is fetched from the secret, as the server does.
const secretArn = config.database.kind === 'postgres' ? config.database.passwordSecretArn : undefined;
const database = await openDatabase(config.database, secretArn !== undefined ? { password: databasePasswordProvider(createAwsSecretStore(), secretArn) } : {});
try {
  const applied = await migrateToLatest(database.db);
  process.stdout.write(applied.length > 0 ? `Applied: ${applied.join(', ')}\n` : 'Already up to date.\n');
} finally {
  await database.close();
}
