import { sql, type Kysely } from 'kysely';

/** The database role the application connects as in production (see docs/security.md). */
const appRole = 'bastion_app';
const genesis = '0'.repeat(64);

// Migrations are frozen in time: they use Kysely<any> and import no application code.
export async function up(db: Kysely<any>): Promise<void> {
  // Append-only: each row carries the SHA-256 of the previous row's hash and its own canonical form.
  await db.schema
    .createTable('audit_event')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().check(sql`seq > 0`))
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    .addColumn('actor_type', 'text', (c) => c.notNull().check(sql`actor_type in ('staff', 'customer', 'system', 'anonymous')`))
    .addColumn('actor_id', 'text')
    .addColumn('actor_role', 'text')
    .addColumn('action', 'text', (c) => c.notNull().check(sql`action ~ '^[a-z][a-z0-9_.-]{1,99}$'`))
    .addColumn('target_type', 'text')
    .addColumn('target_id', 'text')
    // Canonical JSON text (sorted keys), stored as written so the hash can be recomputed byte for byte.
    .addColumn('changes', 'text')
    .addColumn('client_ip', 'text')
    .addColumn('request_id', 'text')
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('success', 'failure', 'denied')`))
    .addColumn('prev_hash', 'text', (c) => c.notNull().check(sql`prev_hash ~ '^[0-9a-f]{64}$'`))
    .addColumn('hash', 'text', (c) => c.notNull().check(sql`hash ~ '^[0-9a-f]{64}$'`))
    .execute();
  await db.schema.createIndex('audit_event_target_idx').on('audit_event').columns(['target_type', 'target_id']).execute();
  await db.schema.createIndex('audit_event_actor_idx').on('audit_event').columns(['actor_type', 'actor_id']).execute();

  // One row: the chain's head. Appends lock it (SELECT ... FOR UPDATE), so the chain stays linear on
  // PGlite and on PostgreSQL alike, and a deleted tail is detected against it.
  await db.schema
    .createTable('audit_chain_head')
    .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('seq', 'bigint', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .execute();
  await sql`insert into audit_chain_head (id, seq, hash) values (1, 0, ${genesis})`.execute(db);

  // Triggers hold for every role, the table owner and superusers included (short of disabling them).
  await sql`
    create function audit_event_append_only() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_event is append-only: % is not allowed', tg_op using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger audit_event_no_update_delete before update or delete on audit_event
    for each row execute function audit_event_append_only()`.execute(db);
  await sql`
    create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_event_append_only()`.execute(db);
  await sql`
    create function audit_chain_head_forward_only() returns trigger language plpgsql as $$
    begin
      if tg_op <> 'UPDATE' or new.id <> old.id or new.seq <> old.seq + 1 then
        raise exception 'audit_chain_head only moves forward by one event' using errcode = 'insufficient_privilege';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger audit_chain_head_forward before update or delete on audit_chain_head
    for each row execute function audit_chain_head_forward_only()`.execute(db);
  await sql`
    create trigger audit_chain_head_no_truncate before truncate on audit_chain_head
    for each statement execute function audit_event_append_only()`.execute(db);

  // In production the app connects as a role without these privileges; skipped where no such role exists
  // (PGlite, tests and laptops connect as a superuser, which the triggers above still stop).
  await sql`
    do $$
    begin
      if exists (select 1 from pg_roles where rolname = ${sql.lit(appRole)}) then
        execute format('revoke update, delete, truncate on audit_event from %I', ${sql.lit(appRole)});
        execute format('grant select, insert on audit_event to %I', ${sql.lit(appRole)});
        execute format('revoke delete, truncate, insert on audit_chain_head from %I', ${sql.lit(appRole)});
        execute format('grant select, update on audit_chain_head to %I', ${sql.lit(appRole)});
      end if;
    end $$`.execute(db);
}

// No down: dropping these tables would destroy the audit trail or the keys that open stored data.
