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
