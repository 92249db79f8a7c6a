import { isAbsolute, resolve } from 'node:path';
import type { SettingsReader } from '../kernel/settings.js';

/**
 * How long one request may wait on the database: a statement (DATABASE_STATEMENT_TIMEOUT_MS), a lock
 * (DATABASE_LOCK_TIMEOUT_MS) and a free pooled connection (DATABASE_POOL_TIMEOUT_MS). Past them it gets 503.
 */
export interface DatabaseTimeouts {
  statementMs: number;
  lockMs: number;
  poolMs: number;
}

/** DATABASE_URL and its companions, as config.ts parses them. */
export type DatabaseConfig =
  | { kind: 'pglite'; dataDir: string | undefined; timeouts?: DatabaseTimeouts }
  | {
      kind: 'postgres';
      url: string;
      poolSize: number;
      sslCaFile: string | undefined;
      /** Absent: the defaults in src/db/database.ts (tests that open a pool themselves). */
      timeouts?: DatabaseTimeouts;
      /** RDS secret whose password the pool fetches per new connection (rotation without restart). */
      passwordSecretArn?: string;
    };

/** DATABASE_URL (absent: PGlite under DATA_DIR; memory:// or file:// for PGlite elsewhere) and its pool and timeouts. */
export function readDatabase(read: SettingsReader, dataDir: string): DatabaseConfig {
  const url = read.optionalString('DATABASE_URL');
  const poolSize = read.integer('DATABASE_POOL_SIZE', 10, { min: 1, max: 200 });
  const sslCaFile = read.optionalString('DATABASE_SSL_CA');
  const passwordSecretArn = read.optionalString('DATABASE_SECRET_ARN');
  const timeouts: DatabaseTimeouts = {
    statementMs: read.integer('DATABASE_STATEMENT_TIMEOUT_MS', 5_000, { min: 100, max: 600_000 }),
    lockMs: read.integer('DATABASE_LOCK_TIMEOUT_MS', 2_000, { min: 50, max: 600_000 }),
    poolMs: read.integer('DATABASE_POOL_TIMEOUT_MS', 3_000, { min: 50, max: 600_000 }),
  };
  if (url === undefined) return { kind: 'pglite', dataDir: resolve(dataDir, 'pg'), timeouts };
  if (url === 'memory://') return { kind: 'pglite', dataDir: undefined, timeouts };
  if (url.startsWith('file://')) {
    const path = url.slice('file://'.length);
    return { kind: 'pglite', dataDir: isAbsolute(path) ? path : resolve(path), timeouts };
  }
  const parsed = read.url('DATABASE_URL', url, ['postgres:', 'postgresql:']);
  return { kind: 'postgres', url: parsed, poolSize, sslCaFile, timeouts, ...(passwordSecretArn ? { passwordSecretArn } : {}) };
}
