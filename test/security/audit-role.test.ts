import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { createAuditService } from '../../src/modules/audit/audit.service.js';
import { quietPool, testPostgresUrl } from '../support/postgres.js';
import { createEmptyPostgresDatabase } from '../support/test-database.js';

// Roles are per server, so this runs only against a real PostgreSQL (DATABASE_URL).
describe.skipIf(testPostgresUrl() === undefined)('audit grants on PostgreSQL', () => {
  it('leaves the application role able to append but not to update, delete or truncate', async () => {
    const admin = new pg.Client({ connectionString: testPostgresUrl() });
    await admin.connect();
    await admin.query(`do $$ begin if not exists (select 1 from pg_roles where rolname = 'bastion_app') then create role bastion_app nologin; end if; end $$`);
    await admin.end();

    const empty = await createEmptyPostgresDatabase();
    const pool = quietPool(empty.url, 1);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    try {
      await migrateToLatest(db);
      // One connection, so the role switch applies to every query below.
      await sql`grant usage on schema public to bastion_app`.execute(db);
      await sql`set role bastion_app`.execute(db);
      const audit = createAuditService({ db });
      await db.transaction().execute((trx) => audit.record(trx, { actor: { type: 'system' }, action: 'keys.rotate' }));
      await expect(sql`update audit_event set action = 'x.y'`.execute(db)).rejects.toThrow(/permission denied/);
      await expect(sql`delete from audit_event`.execute(db)).rejects.toThrow(/permission denied/);
      await expect(sql`truncate audit_event`.execute(db)).rejects.toThrow(/permission denied/);
      await expect(sql`delete from audit_chain_head`.execute(db)).rejects.toThrow(/permission denied/);
      expect(await audit.verify()).toMatchObject({ ok: true, events: 1 });
    } finally {
      await db.destroy();
      await empty.drop();
    }
  });
});
