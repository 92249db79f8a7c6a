import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { DatabaseConfig, DatabaseTimeouts } from './database-config.js';
import { withAcquireTimeout } from './acquire-timeout.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/**
 * PGlite runs PostgreSQL inside this process, so its buffers are this process's memory. A small shop's
 * working set fits in far less than the 128 MB default; measured: 411 → 282 MB resident after opening
 * the demo database and running 500 joins (docs/benchmarks.md). Table files still sit in the OS cache.
 */
export const embeddedSettings = ['shared_buffers = 16MB', 'work_mem = 4MB', 'maintenance_work_mem = 16MB', 'temp_buffers = 2MB'].join('\n');

/** The extensions the migrations create; PGlite must load them whenever it opens a data folder. */
export const pgliteExtensions = { pg_trgm };

/** The bounds a request's queries get when the configuration names none (see docs/configuration.md). */
export const defaultDatabaseTimeouts: DatabaseTimeouts = { statementMs: 5_000, lockMs: 2_000, poolMs: 3_000 };

/** An open database: the Kysely handle plus what the process needs to know about it. */
export interface DatabaseHandle {
  db: Db;
  kind: DatabaseConfig['kind'];
  /** Cheap liveness probe used by /readyz. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the configured database. PGlite (PostgreSQL in WASM) is the embedded default; a postgres:// URL
 * uses a `pg` pool. Both speak the same SQL, so the rest of the code never asks which one it got.
 */
export async function openDatabase(config: DatabaseConfig, options: { password?: () => Promise<string> } = {}): Promise<DatabaseHandle> {
  if (config.kind === 'pglite') return fromPglite(await openPglite(config.dataDir), config.timeouts);
  const pool = new pg.Pool({ ...poolConfig(config), ...(options.password ? { password: options.password } : {}) });
  // A dropped idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined);
  // Nor may one dropped while checked out between two statements (pg-pool listens only to idle clients):
  // the statement in progress, or the next one, fails and is answered 503; the pool discards the client.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}

/**
 * Opens PGlite. Creating a new data folder runs initdb inside the WASM heap, which grows to ~750 MB and
 * never shrinks; so a brand-new folder is initialised, closed and opened again, and the process keeps
 * only the ~300 MB an existing folder costs.
 */
async function openPglite(dataDir: string | undefined): Promise<PGlite> {
  const options = { postgresqlconf: embeddedSettings, extensions: pgliteExtensions, ...(dataDir !== undefined ? { dataDir } : {}) };
  if (dataDir !== undefined) {
    await mkdir(dataDir, { recursive: true });
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await (await PGlite.create(options)).close();
  }
  return PGlite.create(options);
}

/**
 * pg pool settings. Every connection starts with `statement_timeout` and `lock_timeout`, and a request
 * waits at most `poolMs` for a connection (or to open one), so a slow or locked database answers 503
 * within those bounds instead of holding requests forever. With DATABASE_SSL_CA the connection must use TLS and the server certificate must
 * chain to that CA and match the host name (verify-full, as RDS needs). Any sslmode in the URL is dropped
 * then, because pg lets URL parameters override the `ssl` object and could silently weaken it.
 */
export function poolConfig(config: Extract<DatabaseConfig, { kind: 'postgres' }>): pg.PoolConfig {
  const timeouts = config.timeouts ?? defaultDatabaseTimeouts;
  const base: pg.PoolConfig = {
    max: config.poolSize,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeouts.poolMs,
    statement_timeout: timeouts.statementMs,
    lock_timeout: timeouts.lockMs,
  };
  if (config.sslCaFile === undefined) return { ...base, connectionString: config.url };
  const url = new URL(config.url);
  for (const param of ['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'ssl', 'uselibpqcompat']) url.searchParams.delete(param);
  return { ...base, connectionString: url.toString(), ssl: { ca: readFileSync(config.sslCaFile, 'utf8'), rejectUnauthorized: true } };
}

/**
 * Wraps an already-open PGlite instance (tests load one from a template dump). PGlite has one connection
 * and no other session to wait for locks from; what bounds a request is its wait for that connection.
 * (`statement_timeout` needs a timer signal the WASM build does not deliver, so a long statement is not
 * cut short there.)
 */
export function fromPglite(pglite: PGlite, timeouts: DatabaseTimeouts = defaultDatabaseTimeouts): DatabaseHandle {
  const db = new Kysely<Database>({ dialect: withAcquireTimeout(new PGliteDialect(pglite), timeouts.poolMs) });
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      await sql`select 1`.execute(db);
    },
    close: () => db.destroy(),
  };
}
