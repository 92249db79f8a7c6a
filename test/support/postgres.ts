import pg from 'pg';
/** The PostgreSQL server tests run against when DATABASE_URL names one (CI's second pass). */
export function testPostgresUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  return url !== undefined && /^postgres(ql)?:\/\//.test(url) ? url : undefined;
}

/** One template per run, so two runs on one server never collide. */
export function templateDatabaseName(): string {
  return `bastion_tpl_${process.pid}`;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/**
 * A pool whose clients take the server's "terminating connection" quietly: `drop database … with (force)`
 * in a test's clean-up can reach a client that is still closing after `destroy()` resolved.
 */
export function quietPool(connectionString: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString, max });
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
