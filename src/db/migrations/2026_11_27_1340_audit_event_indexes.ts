import { sql, type Kysely } from 'kysely';

// Migrations are frozen in time: they use Kysely<any> and import no application code.
/**
 * Indexes for the back office's audit trail (newest first, filtered, keyset-paginated by seq):
 * each filter's column(s) followed by seq, so "this actor's events before seq N, newest first" is one
 * backward index range scan. `action` uses text_pattern_ops so a prefix filter (`like 'staff.%'`) can use
 * it under any collation; equality uses it too. occurred_at serves the time-range filter.
 * (target_type, target_id, seq) replaces (target_type, target_id), which it starts with.
 * `if not exists`: on a large trail an operator may build them first with CREATE INDEX CONCURRENTLY
 * (docs/security.md), since this migration runs in a transaction and would hold up appends meanwhile.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_actor_id_seq_idx').ifNotExists().on('audit_event').columns(['actor_id', 'seq']).execute();
  await db.schema.createIndex('audit_event_action_seq_idx').ifNotExists().on('audit_event').expression(sql`action text_pattern_ops, seq`).execute();
  await db.schema.createIndex('audit_event_target_seq_idx').ifNotExists().on('audit_event').columns(['target_type', 'target_id', 'seq']).execute();
  await db.schema.createIndex('audit_event_occurred_at_idx').ifNotExists().on('audit_event').column('occurred_at').execute();
  await db.schema.dropIndex('audit_event_target_idx').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_target_idx').ifNotExists().on('audit_event').columns(['target_type', 'target_id']).execute();
  for (const name of ['audit_event_occurred_at_idx', 'audit_event_target_seq_idx', 'audit_event_action_seq_idx', 'audit_event_actor_id_seq_idx']) {
    await db.schema.dropIndex(name).ifExists().execute();
  }
}
