import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createLocalObjectStore } from '../../src/adapters/storage/local.js';
import { fromPglite, pgliteExtensions } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { seedDemoCatalog } from '../../src/modules/catalog/demo/seed-demo.js';
import { reindexCatalog } from '../../src/modules/search/index.js';
import { templateDatabaseName, testPostgresUrl, withDatabase } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PGlite: path of a dumped, migrated and seeded data dir. PostgreSQL: name of the template database. */
    dbTemplate: string;
    /** Object store root holding the seeded product images. */
    objectsDir: string;
  }
}

/**
 * Builds the test database once per run (migrated and seeded), so each test file gets a copy in
 * well under a second instead of running initdb (PGlite) or migrations (PostgreSQL) again.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const root = resolve('.tmp');
  const objectsDir = join(root, 'objects');
  await mkdir(objectsDir, { recursive: true });
  const store = createLocalObjectStore(objectsDir);
  const url = testPostgresUrl();

  if (url !== undefined) {
    const name = templateDatabaseName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`drop database if exists ${name}`);
    await admin.query(`create database ${name}`);
    await admin.end();
    const pool = new pg.Pool({ connectionString: withDatabase(url, name), max: 2 });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    await migrateToLatest(db);
    await seedDemoCatalog({ db, store, currency: 'GBP' });
    await reindexCatalog(db);
    await db.destroy();
    project.provide('dbTemplate', name);
    project.provide('objectsDir', objectsDir);
    return async () => {
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name}`);
      await cleanup.end();
    };
  }

  const pglite = await PGlite.create({ extensions: pgliteExtensions });
  const handle = fromPglite(pglite);
  await migrateToLatest(handle.db);
  await seedDemoCatalog({ db: handle.db, store, currency: 'GBP' });
  await reindexCatalog(handle.db);
  await sql`checkpoint`.execute(handle.db);
  const dump = await pglite.dumpDataDir('gzip');
  await handle.close();
  const path = join(root, `template-${process.pid}.tgz`);
  await writeFile(path, Buffer.from(await dump.arrayBuffer()));
  project.provide('dbTemplate', path);
  project.provide('objectsDir', objectsDir);
  return async () => {
    await rm(path, { force: true });
  };
}
