import { readdir } from 'node:fs/promises';
import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/schema.js';
import { migrateToLatest, migrationsApplied } from '../../src/db/migrate.js';
import { migrations } from '../../src/db/migrations/index.js';
import { createEmptyPostgresDatabase } from '../support/test-database.js';
import { quietPool, testPostgresUrl } from '../support/postgres.js';

describe('migrations', () => {
  it('lists every migration file in the folder, in name order', async () => {
    const files = (await readdir(new URL('../../src/db/migrations/', import.meta.url)))
      .filter((f) => /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(Object.keys(migrations).sort()).toEqual(files);
  });

  it('import no application code, so they stay frozen in time', async () => {
    const { readFile } = await import('node:fs/promises');
    for (const name of Object.keys(migrations)) {
      const text = await readFile(new URL(`../../src/db/migrations/${name}.ts`, import.meta.url), 'utf8');
      expect(text, name).not.toMatch(/from '\.\.\//);
    }
  });
});

describe.runIf(testPostgresUrl() !== undefined)('migrations on PostgreSQL', () => {
  it('run exactly once when several instances start together (advisory lock)', async () => {
    const empty = await createEmptyPostgresDatabase();
    const instances = Array.from({ length: 4 }, () => new Kysely<Database>({ dialect: new PostgresDialect({ pool: quietPool(empty.url, 2) }) }));
    try {
      expect(await migrationsApplied(instances[0]!)).toBe(false);
      const results = await Promise.all(instances.map((db) => migrateToLatest(db)));
      // Exactly one instance applied each migration; the others found nothing to do.
      const applied = results.flat().sort();
      expect(applied).toEqual(Object.keys(migrations).sort());
      const rows = await instances[0]!.selectFrom('kysely_migration' as never).selectAll().execute();
      expect(rows).toHaveLength(Object.keys(migrations).length);
      expect(await migrationsApplied(instances[1]!)).toBe(true);
    } finally {
      await Promise.all(instances.map((db) => db.destroy()));
      await empty.drop();
    }
  });
});
