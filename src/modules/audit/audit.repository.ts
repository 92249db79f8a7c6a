import type { Selectable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { AuditEventTable } from '../../db/schema.js';
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
