import { sql } from 'kysely';
import { createAwsSecretStore } from '../adapters/secrets/aws.js';
import { databasePasswordProvider } from '../adapters/secrets/environment.js';
import { openDatabase } from '../db/database.js';
import { databaseRoleStatements } from '../db/roles.js';
import { loadConfigWithSecrets } from '../load-config.js';

/**
 * `npm run db:roles`: creates or updates the owner and app database roles and their grants (src/db/roles.ts).
 * Connects as the configured database user, which must hold CREATEROLE (on RDS the master user:
 * DATABASE_SECRET_ARN set to the master secret). Passwords come from the roles' own secrets
 * (DB_OWNER_SECRET_ARN, DB_APP_SECRET_ARN: their `username` and `password`) or, on a laptop, from
 * DB_OWNER_PASSWORD and DB_APP_PASSWORD; without either, existing passwords are left alone.
 */
const env = process.env;
const { config } = await loadConfigWithSecrets();
if (config.database.kind !== 'postgres') {
  process.stderr.write('db:roles needs PostgreSQL (DATABASE_URL or DATABASE_SECRET_ARN); the embedded database has no roles.\n');
  process.exit(2);
}
const store = createAwsSecretStore();
const ownerSecret = env.DB_OWNER_SECRET_ARN ? await store.getJson(env.DB_OWNER_SECRET_ARN) : undefined;
const appSecret = env.DB_APP_SECRET_ARN ? await store.getJson(env.DB_APP_SECRET_ARN) : undefined;

const statements = databaseRoleStatements({
  database: decodeURIComponent(new URL(config.database.url).pathname.slice(1)),
  owner: ownerSecret?.username ?? env.DB_OWNER_ROLE ?? 'bastion_owner',
  app: appSecret?.username ?? env.DB_APP_ROLE ?? 'bastion_app',
  ownerPassword: ownerSecret?.password ?? env.DB_OWNER_PASSWORD,
  appPassword: appSecret?.password ?? env.DB_APP_PASSWORD,
});

const secretArn = config.database.passwordSecretArn;
const database = await openDatabase(config.database, secretArn !== undefined ? { password: databasePasswordProvider(store, secretArn) } : {});
try {
  for (const statement of statements) await sql.raw(statement).execute(database.db);
  process.stdout.write('Database roles and grants are in place.\n');
} finally {
  await database.close();
}
