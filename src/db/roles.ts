/**
 * The two database roles of a PostgreSQL deployment, and the statements that make them:
 *
 * - the owner (`bastion_owner`) owns the schema's tables and runs `npm run migrate`, once per release,
 *   in the release pipeline's migrate step;
 * - the app (`bastion_app`) is what every web and worker process connects as: data rights only (SELECT,
 *   INSERT, UPDATE, DELETE), no DDL, no TRUNCATE, and on `audit_event` only SELECT and INSERT, so the
 *   audit trail is append-only by grant as well as by trigger.
 *
 * The statements are idempotent: `npm run db:roles` runs before the migrations (so the owner exists) and
 * again after them (so tables a migration created get their grants, and audit_event loses what the default
 * privileges gave it). Run as the RDS master user, which holds CREATEROLE.
 */

export interface DatabaseRoles {
  readonly database: string;
  readonly owner: string;
  readonly app: string;
  /** Passwords to set; absent leaves an existing role's password as it is (Secrets Manager rotation owns it). */
  readonly ownerPassword?: string | undefined;
  readonly appPassword?: string | undefined;
}

/** Tables the app may read but never write: the trail's events and the migrator's bookkeeping. */
const READ_INSERT_ONLY = ['audit_event'] as const;
const READ_ONLY = ['kysely_migration', 'kysely_migration_lock'] as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** The statements, in order. Role and database names are checked and quoted; passwords are literals. */
export function databaseRoleStatements(roles: DatabaseRoles): string[] {
  for (const name of [roles.database, roles.owner, roles.app]) {
    if (!IDENTIFIER.test(name)) throw new Error(`not a plain lower-case SQL identifier: ${name}`);
  }
  const owner = ident(roles.owner);
  const app = ident(roles.app);
  const ensureRole = (name: string, password: string | undefined): string =>
    `do $$ begin
       if not exists (select 1 from pg_roles where rolname = ${literal(name)}) then
         create role ${ident(name)} login nosuperuser nocreatedb nocreaterole noinherit;
       end if;
     end $$`.replace(/\n\s+/g, ' ') + (password === undefined ? '' : `;\nalter role ${ident(name)} password ${literal(password)}`);

  return [
    ensureRole(roles.owner, roles.ownerPassword),
    ensureRole(roles.app, roles.appPassword),
    // The caller (the RDS master) must be a member of the owner to hand it the tables.
    `grant ${owner} to current_user`,
    `revoke create on schema public from public`,
    `grant connect on database ${ident(roles.database)} to ${owner}, ${app}`,
    // CREATE on the database lets the owner install trusted extensions (pg_trgm) in its migrations.
    `grant create on database ${ident(roles.database)} to ${owner}`,
    `grant usage, create on schema public to ${owner}`,
    `grant usage on schema public to ${app}`,
    // Tables and sequences created before the owner existed (by the master user) move to the owner; a
    // serial column's sequence moves with its table (PostgreSQL refuses to move it alone).
    `do $$ declare r record; begin
       for r in select c.relname, c.relkind from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = 'public' and c.relkind in ('r', 'p', 'S', 'v', 'm')
                  and pg_get_userbyid(c.relowner) <> ${literal(roles.owner)}
                  and not (c.relkind = 'S' and exists (select 1 from pg_depend d where d.classid = 'pg_class'::regclass
                           and d.objid = c.oid and d.deptype in ('a', 'i'))) loop
         execute format('alter %s %I owner to %I',
           case r.relkind when 'S' then 'sequence' when 'v' then 'view' when 'm' then 'materialized view' else 'table' end,
           r.relname, ${literal(roles.owner)});
       end loop;
     end $$`.replace(/\n\s+/g, ' '),
    `do $$ declare r record; begin
       for r in select p.proname, pg_get_function_identity_arguments(p.oid) as args from pg_proc p
                join pg_namespace n on n.oid = p.pronamespace
                where n.nspname = 'public' and pg_get_userbyid(p.proowner) <> ${literal(roles.owner)}
                  and not exists (select 1 from pg_depend d where d.classid = 'pg_proc'::regclass and d.objid = p.oid and d.deptype = 'e') loop
         execute format('alter function %I(%s) owner to %I', r.proname, r.args, ${literal(roles.owner)});
       end loop;
     end $$`.replace(/\n\s+/g, ' '),
    `grant select, insert, update, delete on all tables in schema public to ${app}`,
    // nextval needs USAGE only; without UPDATE the app cannot setval a sequence back.
    `grant usage, select on all sequences in schema public to ${app}`,
    `revoke update on all sequences in schema public from ${app}`,
    `alter default privileges for role ${owner} in schema public grant select, insert, update, delete on tables to ${app}`,
    `alter default privileges for role ${owner} in schema public grant usage, select on sequences to ${app}`,
    `alter default privileges for role ${owner} in schema public revoke update on sequences from ${app}`,
    // No scratch objects either: temporary tables are a right of PUBLIC by default.
    `revoke temporary on database ${ident(roles.database)} from public`,
    `revoke truncate, references, trigger on all tables in schema public from ${app}`,
    ...READ_INSERT_ONLY.map((table) => ifTableExists(table, `revoke update, delete on ${table} from ${app}; grant select, insert on ${table} to ${app}`)),
    ...READ_ONLY.map((table) => ifTableExists(table, `revoke insert, update, delete on ${table} from ${app}; grant select on ${table} to ${app}`)),
    ifTableExists('audit_chain_head', `revoke insert, delete on audit_chain_head from ${app}; grant select, update on audit_chain_head to ${app}`),
  ];
}

function ifTableExists(table: string, statements: string): string {
  return `do $$ begin if to_regclass(${literal(`public.${table}`)}) is not null then ${statements}; end if; end $$`;
}

function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
