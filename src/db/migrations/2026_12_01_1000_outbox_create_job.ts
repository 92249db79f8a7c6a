import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * The transactional outbox's one table. Workers claim with `for update skip locked` on two partial
 * indexes: ready jobs by run_at, and running jobs by lease expiry (a crashed worker's job). Done jobs keep
 * their key (so enqueueing it again stays a no-op) without their payload, until the worker prunes them.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('outbox_job')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    // Order of writing: jobs due at the same moment run in the order they were enqueued.
    .addColumn('seq', 'bigint', (c) => c.notNull().generatedAlwaysAsIdentity())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('payload_encrypted', 'bytea')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('ready', 'running', 'done', 'dead')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('max_attempts', 'integer', (c) => c.notNull().check(sql`max_attempts between 1 and 100`))
    .addColumn('run_at', 'timestamptz', (c) => c.notNull())
    .addColumn('locked_until', 'timestamptz')
    .addColumn('locked_by', 'uuid')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_job_ready_idx').on('outbox_job').columns(['run_at', 'seq']).where(sql.ref('status'), '=', 'ready').execute();
  await db.schema.createIndex('outbox_job_running_idx').on('outbox_job').column('locked_until').where(sql.ref('status'), '=', 'running').execute();
  await db.schema.createIndex('outbox_job_done_idx').on('outbox_job').column('updated_at').where(sql.ref('status'), '=', 'done').execute();
  await db.schema.createIndex('outbox_job_dead_idx').on('outbox_job').column('updated_at').where(sql.ref('status'), '=', 'dead').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('outbox_job').execute();
}
