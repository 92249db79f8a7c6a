import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { fromPglite, openDatabase, pgliteExtensions, type DatabaseHandle } from '../../src/db/database.js';
import { testPostgresUrl, withDatabase } from './postgres.js';

/**
 * A private, migrated and seeded database for one test file: a PGlite loaded from the run's template
 * dump, or a PostgreSQL database created from the template database and dropped on close.
 */
export async function openTestDatabase(): Promise<DatabaseHandle & { url?: string }> {
  const template = inject('dbTemplate');
  const url = testPostgresUrl();
  if (url === undefined) {
    const dump = await readFile(template);
    const pglite = await PGlite.create({ loadDataDir: new Blob([dump]), extensions: pgliteExtensions });
    return fromPglite(pglite);
  }
  const name = `bastion_t_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name} template ${template}`);
  const dbUrl = withDatabase(url, name);
  const handle = await openDatabase({ kind: 'postgres', url: dbUrl, poolSize: 5, sslCaFile: undefined });
  return {
    ...handle,
    url: dbUrl,
    close: async () => {
      await handle.close();
      await adminQuery(url, `drop database if exists ${name} with (force)`);
    },
  };
}

/**
 * PGlite only: a data folder for a server process (DATA_DIR) whose embedded database is the run's template,
 * written into `<folder>/pg` as the server would find one it made earlier: a first start skips initdb and
 * the migrations (about ten seconds each start).
 */
export async function seededDataDir(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'bastion-seeded-'));
  const dump = await readFile(inject('dbTemplate'));
  const pglite = await PGlite.create({ dataDir: join(dataDir, 'pg'), loadDataDir: new Blob([dump]), extensions: pgliteExtensions });
  await pglite.close();
  return dataDir;
}

/** Creates an empty database (no migrations) for tests of migrations themselves; PostgreSQL only. */
export async function createEmptyPostgresDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = testPostgresUrl();
  if (url === undefined) throw new Error('needs DATABASE_URL');
  const name = `bastion_e_${randomBytes(6).toString('hex')}`;
  await adminQuery(url, `create database ${name}`);
  return { url: withDatabase(url, name), drop: () => adminQuery(url, `drop database if exists ${name} with (force)`) };
}

async function adminQuery(url: string, text: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}
