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
