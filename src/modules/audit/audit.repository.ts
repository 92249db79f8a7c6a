import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from 'kysely';
import type { Db } from '../../db/database.js';
import type { Database } from '../../db/schema.js';
import type { AuditEventTable } from './audit.tables.js';
import type { AuditEvent } from './audit.types.js';

/** SQL of the audit module: the only code that touches audit_event and audit_chain_head. */

export interface ChainHead {
  seq: number;
  hash: string;
}

/**
 * Locks the chain head for the rest of the transaction (SELECT ... FOR UPDATE), so concurrent appends
 * take turns and each links to the one before it.
 *
 *   select seq, hash from audit_chain_head where id = 1 for update
 */
export async function lockChainHead(trx: Db): Promise<ChainHead> {
  const row = await trx.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).forUpdate().executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function findChainHead(db: Db): Promise<ChainHead> {
  const row = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirstOrThrow();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function insertEvent(trx: Db, event: AuditEvent): Promise<void> {
  await trx
    .insertInto('audit_event')
    .values({
      seq: event.seq,
      occurred_at: event.occurredAt,
      actor_type: event.actorType,
      actor_id: event.actorId,
      actor_role: event.actorRole,
      action: event.action,
      target_type: event.targetType,
      target_id: event.targetId,
      changes: event.changes,
      client_ip: event.clientIp,
      request_id: event.requestId,
      outcome: event.outcome,
      prev_hash: event.prevHash,
      hash: event.hash,
    })
    .execute();
}

export async function updateChainHead(trx: Db, head: ChainHead): Promise<void> {
  await trx.updateTable('audit_chain_head').set({ seq: head.seq, hash: head.hash }).where('id', '=', 1).execute();
}

function toEvent(row: Selectable<AuditEventTable>): AuditEvent {
  return {
    seq: Number(row.seq),
    occurredAt: row.occurred_at,
    actorType: row.actor_type,
    actorId: row.actor_id,
    actorRole: row.actor_role,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    changes: row.changes,
    clientIp: row.client_ip,
    requestId: row.request_id,
    outcome: row.outcome,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The next `limit` events after `afterSeq`, in chain order. */
export async function findEventsAfter(db: Db, afterSeq: number, limit: number): Promise<AuditEvent[]> {
  const rows = await db.selectFrom('audit_event').selectAll().where('seq', '>', String(afterSeq)).orderBy('seq').limit(limit).execute();
  return rows.map(toEvent);
}

/** Events about one target, newest first. */
export async function findEventsForTarget(db: Db, targetType: string, targetId: string, limit: number): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('target_type', '=', targetType)
    .where('target_id', '=', targetId)
    .orderBy('seq', 'desc')
    .limit(limit)
    .execute();
  return rows.map(toEvent);
}

// --- the back office's search (audit.query.ts) ------------------------------------------------------

/** Filters of the audit trail, already validated; every one is optional and they combine with AND. */
export interface EventFilter {
  actorId?: string;
  actorType?: AuditEvent['actorType'];
  action?: { exact: string } | { prefix: string };
  targetType?: string;
  targetId?: string;
  outcome?: AuditEvent['outcome'];
  /** occurred_at >= from */
  from?: Date;
  /** occurred_at < until (exclusive) */
  until?: Date;
}

/** A LIKE pattern matching values that start with `prefix`: `\`, `%` and `_` in it match only themselves. */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function filterConditions(eb: ExpressionBuilder<Database, 'audit_event'>, f: EventFilter): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [];
  if (f.actorId !== undefined) where.push(eb('actor_id', '=', f.actorId));
  if (f.actorType !== undefined) where.push(eb('actor_type', '=', f.actorType));
  if (f.action !== undefined) {
    // Backslash is PostgreSQL's default LIKE escape; saying so keeps the pattern's meaning explicit.
    where.push('exact' in f.action ? eb('action', '=', f.action.exact) : sql<SqlBool>`action like ${likePrefix(f.action.prefix)} escape '\\'`);
  }
  if (f.targetType !== undefined) where.push(eb('target_type', '=', f.targetType));
  if (f.targetId !== undefined) where.push(eb('target_id', '=', f.targetId));
  if (f.outcome !== undefined) where.push(eb('outcome', '=', f.outcome));
  if (f.from !== undefined) where.push(eb('occurred_at', '>=', f.from));
  if (f.until !== undefined) where.push(eb('occurred_at', '<', f.until));
  return where;
}

/**
 * One page of matching events, newest first, older than `before` when given (keyset pagination by seq).
 *
 *   select * from audit_event where actor_id = $1 and seq < $2 order by seq desc limit $3
 */
export async function findEventsPage(db: Db, filter: EventFilter, page: { before?: number; limit: number }): Promise<AuditEvent[]> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where((eb) => eb.and([...filterConditions(eb, filter), ...(page.before !== undefined ? [eb('seq', '<', String(page.before))] : [])]))
    .orderBy('seq', 'desc')
    .limit(page.limit)
    .execute();
  return rows.map(toEvent);
}

/**
 * The sequence numbers of the `limit` matching events just newer than `seq`, oldest first: what the
 * "newer" link of a keyset page needs.
 *
 *   select seq from audit_event where ... and seq > $1 order by seq limit $2
 */
export async function findNewerSeqs(db: Db, filter: EventFilter, seq: number, limit: number): Promise<number[]> {
  const rows = await db
    .selectFrom('audit_event')
    .select('seq')
    .where((eb) => eb.and([...filterConditions(eb, filter), eb('seq', '>', String(seq))]))
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.seq));
}

/**
 * How many events match (newer than `newerThan` when given), counting at most `cap` + 1 rows so a count
 * over a huge trail stays bounded; a result above `cap` means "more than cap".
 *
 *   select count(*) from (select 1 from audit_event where ... limit $cap + 1) as matching
 */
export async function countEvents(db: Db, filter: EventFilter, options: { newerThan?: number; cap: number }): Promise<number> {
  const matching = db
    .selectFrom('audit_event')
    .select(sql<number>`1`.as('one'))
    .where((eb) => eb.and([...filterConditions(eb, filter), ...(options.newerThan !== undefined ? [eb('seq', '>', String(options.newerThan))] : [])]))
    .limit(options.cap + 1)
    .as('matching');
  const row = await db.selectFrom(matching).select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
