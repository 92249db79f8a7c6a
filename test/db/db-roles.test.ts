import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/schema.js';
import { databaseRoleStatements } from '../../src/db/roles.js';
import { quietPool, testPostgresUrl, withDatabase } from '../support/postgres.js';

const url = testPostgresUrl();
if (url === undefined) {
  // Roles and grants exist only on a real server; PGlite runs as one superuser.
  process.stdout.write('db-roles.test.ts: skipped, DATABASE_URL does not point at a PostgreSQL server\n');
}

describe('database role statements', () => {
  it('refuse role names that would need quoting tricks', () => {
    expect(() => databaseRoleStatements({ database: 'bastion', owner: 'owner"; drop', app: 'bastion_app' })).toThrow(/identifier/);
  });
});

describe.runIf(url !== undefined)('owner and app roles on PostgreSQL', () => {
  const suffix = randomBytes(5).toString('hex');
  const name = `bastion_roles_${suffix}`;
  const roles = { database: name, owner: `bastion_owner_${suffix}`, app: `bastion_app_${suffix}`, ownerPassword: `o-${suffix}`, appPassword: `a-${suffix}` };
  let admin: Kysely<Database>;
  let asOwner: Kysely<Database>;
  let asApp: Kysely<Database>;
  const connect = (user?: string, password?: string): Kysely<Database> => {
    const u = new URL(withDatabase(url!, name));
    if (user !== undefined) {
      u.username = user;
      u.password = password ?? '';
    }
    return new Kysely<Database>({ dialect: new PostgresDialect({ pool: quietPool(u.toString(), 2) }) });
  };
  const applyRoles = async (): Promise<void> => {
    for (const statement of databaseRoleStatements(roles)) await sql.raw(statement).execute(admin);
  };

  beforeAll(async () => {
    const server = new pg.Client({ connectionString: url });
    await server.connect();
    await server.query(`create database ${name}`);
    await server.end();
    admin = connect();
    await applyRoles();
    asOwner = connect(roles.owner, roles.ownerPassword);
    // The deploy step: roles, migrations as the owner, roles again for the new tables.
    await migrateToLatest(asOwner);
    await applyRoles();
    asApp = connect(roles.app, roles.appPassword);
  });

  afterAll(async () => {
    await Promise.all([asApp?.destroy(), asOwner?.destroy(), admin?.destroy()]);
    const server = new pg.Client({ connectionString: url });
    await server.connect();
    try {
      await server.query(`drop database if exists ${name} with (force)`);
      for (const role of [roles.app, roles.owner]) await server.query(`drop role if exists ${role}`);
    } finally {
      await server.end();
    }
  });

  it('let the owner own every table the migrations made', async () => {
    const { rows } = await sql<{ owner: string }>`select distinct tableowner as owner from pg_tables where schemaname = 'public'`.execute(admin);
    expect(rows.map((row) => row.owner)).toEqual([roles.owner]);
  });

  it('let the app read and write ordinary tables', async () => {
    const table = await sql<{ t: string }>`select tablename as t from pg_tables where schemaname = 'public' and tablename = 'staff_invitation'`.execute(admin);
    const probe = table.rows.length > 0 ? 'staff_invitation' : 'audit_chain_head';
    await expect(sql`select count(*) from ${sql.table(probe)}`.execute(asApp)).resolves.toBeDefined();
    const privileges = await sql<{ ok: boolean }>`
      select bool_and(has_table_privilege(${roles.app}, format('public.%I', tablename), 'select,insert,update,delete')) as ok
      from pg_tables where schemaname = 'public' and tablename not in ('audit_event', 'audit_chain_head', 'kysely_migration', 'kysely_migration_lock')`.execute(admin);
    expect(privileges.rows[0]?.ok).toBe(true);
  });

  it('let the app append to the audit trail and read it, but not update or delete an event', async () => {
    await sql`insert into audit_event (seq, occurred_at, actor_type, action, outcome, prev_hash, hash)
              values (1, now(), 'system', 'roles.test', 'success', ${'0'.repeat(64)}, ${'1'.repeat(64)})`.execute(asApp);
    const read = await sql<{ n: string }>`select count(*) as n from audit_event`.execute(asApp);
    expect(Number(read.rows[0]?.n)).toBe(1);
    // The triggers also refuse these, with the same SQLSTATE; "permission denied" is the grant speaking.
    await expect(sql`update audit_event set action = 'roles.changed' where seq = 1`.execute(asApp)).rejects.toThrow(/permission denied/);
    await expect(sql`delete from audit_event where seq = 1`.execute(asApp)).rejects.toThrow(/permission denied/);
    await expect(sql`truncate audit_event`.execute(asApp)).rejects.toThrow(/permission denied/);
    const grants = await sql<{ u: boolean; d: boolean; t: boolean }>`
      select has_table_privilege(${roles.app}, 'public.audit_event', 'update') as u,
             has_table_privilege(${roles.app}, 'public.audit_event', 'delete') as d,
             has_table_privilege(${roles.app}, 'public.audit_event', 'truncate') as t`.execute(admin);
    expect(grants.rows[0]).toEqual({ u: false, d: false, t: false });
  });

  it('refuse the app any DDL', async () => {
    await expect(sql`create table roles_probe (id int)`.execute(asApp)).rejects.toThrow(/permission denied/);
    await expect(sql`alter table audit_event add column x int`.execute(asApp)).rejects.toThrow(/must be owner/);
    await expect(sql`drop table audit_event`.execute(asApp)).rejects.toThrow(/must be owner/);
  });

  it('refuse the app to rewind a sequence or make temporary tables', async () => {
    await expect(sql`select setval(pg_get_serial_sequence('outbox_job', 'seq'), 1, false)`.execute(asApp)).rejects.toThrow(/permission denied/);
    await expect(sql`create temp table roles_scratch (id int)`.execute(asApp)).rejects.toThrow(/permission denied/);
    await expect(sql`select nextval(pg_get_serial_sequence('outbox_job', 'seq'))`.execute(asApp)).resolves.toBeDefined();
  });

  it('take over a database the master user migrated before the roles existed', async () => {
    const earlier = `${name}_m`;
    const server = new pg.Client({ connectionString: url });
    await server.connect();
    await server.query(`create database ${earlier}`);
    await server.end();
    const asMaster = new Kysely<Database>({ dialect: new PostgresDialect({ pool: quietPool(withDatabase(url!, earlier), 1) }) });
    try {
      await migrateToLatest(asMaster);
      for (const statement of databaseRoleStatements({ ...roles, database: earlier })) await sql.raw(statement).execute(asMaster);
      const owners = await sql<{ owner: string }>`select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = 'public' and c.relkind in ('r', 'S')`.execute(asMaster);
      expect(owners.rows.map((row) => row.owner)).toEqual([roles.owner]);
      const grants = await sql<{ u: boolean; i: boolean }>`
        select has_table_privilege(${roles.app}, 'public.audit_event', 'update') as u,
               has_table_privilege(${roles.app}, 'public.audit_event', 'insert') as i`.execute(asMaster);
      expect(grants.rows[0]).toEqual({ u: false, i: true });
    } finally {
      await asMaster.destroy();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${earlier} with (force)`);
      await cleanup.end();
    }
  });

  it('are idempotent: running them again changes nothing and fails nothing', async () => {
    await expect(applyRoles()).resolves.toBeUndefined();
  });
});
