import { Migrator, sql, type MigrationResultSet } from 'kysely';
import type { Db } from './database.js';
import { migrations } from './migrations/index.js';

export function createMigrator(db: Db): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations } });
}

/**
 * Applies every pending migration in name order. Kysely's PostgreSQL adapter holds a transaction-scoped
 * advisory lock (pg_advisory_xact_lock) for the whole run, so instances starting together take turns and
 * each migration runs exactly once.
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  // The request bounds (DATABASE_STATEMENT_TIMEOUT_MS, DATABASE_LOCK_TIMEOUT_MS) do not apply: a migration
  // may build an index for minutes, and an instance starting beside another waits for its advisory lock.
  const result: MigrationResultSet = await db.connection().execute(async (conn) => {
    await sql`set statement_timeout = 0`.execute(conn);
    await sql`set lock_timeout = 0`.execute(conn);
    try {
      return await createMigrator(conn).migrateToLatest();
    } finally {
      await sql`reset statement_timeout`.execute(conn);
      await sql`reset lock_timeout`.execute(conn);
    }
  });
  if (result.error !== undefined) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed`, { cause: result.error });
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when every known migration has been applied; /readyz reports not ready otherwise. */
export async function migrationsApplied(db: Db): Promise<boolean> {
  const all = await createMigrator(db).getMigrations();
  return all.every((m) => m.executedAt !== undefined);
}
