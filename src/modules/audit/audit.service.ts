import type { Db } from '../../db/database.js';
import { canonicalJson, eventHash, genesisHash } from './audit.chain.js';
import { auditInvalidEvent, auditNeedsTransaction } from './audit.errors.js';
import { diffForAudit } from './audit.redact.js';
import * as repo from './audit.repository.js';
import type { AuditEvent, AuditEventInput, ChainVerification } from './audit.types.js';

/**
 * The application's audit trail: an append-only, hash-chained log of who changed what.
 *
 * Call `record` inside the same transaction as the change, as late in it as possible (the append holds
 * the chain-head row lock until commit):
 *
 *   await db.transaction().execute(async (trx) => {
 *     const before = await repo.lockProduct(trx, id);
 *     const after = await repo.updateProduct(trx, id, patch);
 *     await audit.record(trx, { actor: { type: 'staff', id: staff.id, role: staff.role }, action: 'product.update',
 *       target: { type: 'product', id }, before, after, ...requestContext(request) });
 *   });
 */
export interface AuditService {
  /** Appends one event to the chain; throws AUDIT_NEEDS_TRANSACTION outside a transaction. */
  record(trx: Db, event: AuditEventInput): Promise<{ seq: number; hash: string }>;
  /** Appends one event in a transaction of its own, for events that accompany no change (a refusal). */
  recordAlone(event: AuditEventInput): Promise<{ seq: number; hash: string }>;
  /** Walks the whole chain and reports the first broken link (an edited, deleted or relinked row). */
  verify(options?: { batchSize?: number }): Promise<ChainVerification>;
  /** How many events the trail holds (the chain head's sequence number). */
  count(): Promise<number>;
  /** Events about one target, newest first. */
  listForTarget(targetType: string, targetId: string, limit?: number): Promise<AuditEvent[]>;
}

const action = /^[a-z][a-z0-9_.-]{1,99}$/;

export function createAuditService(deps: { db: Db; now?: () => Date }): AuditService {
  const now = deps.now ?? (() => new Date());

  const service: AuditService = {
    recordAlone: (input) => deps.db.transaction().execute((trx) => service.record(trx, input)),
    async record(trx, input) {
      if (!trx.isTransaction) throw auditNeedsTransaction();
      if (!action.test(input.action)) throw auditInvalidEvent(`action "${input.action.slice(0, 100)}" is not a dotted lower-case verb`);
      const diff = diffForAudit(input.before, input.after, input.personalFields);
      const head = await repo.lockChainHead(trx);
      // Millisecond precision: what a JS Date holds, so the stored time hashes the same when read back.
      const occurredAt = new Date((input.occurredAt ?? now()).getTime());
      const unsigned: Omit<AuditEvent, 'hash'> = {
        seq: head.seq + 1,
        occurredAt,
        actorType: input.actor.type,
        actorId: input.actor.id ?? null,
        actorRole: input.actor.role ?? null,
        action: input.action,
        targetType: input.target?.type ?? null,
        targetId: input.target?.id ?? null,
        changes: diff === null ? null : canonicalJson(diff),
        clientIp: input.clientIp ?? null,
        requestId: input.requestId ?? null,
        outcome: input.outcome ?? 'success',
        prevHash: head.hash,
      };
      const event: AuditEvent = { ...unsigned, hash: eventHash(unsigned) };
      await repo.insertEvent(trx, event);
      await repo.updateChainHead(trx, { seq: event.seq, hash: event.hash });
      return { seq: event.seq, hash: event.hash };
    },

    async verify(options = {}) {
      const batchSize = options.batchSize ?? 1_000;
      let expectedSeq = 1;
      let prevHash = genesisHash;
      let events = 0;
      for (;;) {
        const batch = await repo.findEventsAfter(deps.db, expectedSeq - 1, batchSize);
        for (const event of batch) {
          if (event.seq !== expectedSeq) {
            const missing = event.seq - 1 === expectedSeq ? `event ${expectedSeq} is missing` : `events ${expectedSeq}..${event.seq - 1} are missing`;
            return { ok: false, events, brokenAt: expectedSeq, reason: 'deleted', detail: `${missing} (deleted)` };
          }
          const { hash, ...unsigned } = event;
          if (eventHash(unsigned) !== hash) {
            return { ok: false, events, brokenAt: event.seq, reason: 'edited', detail: `event ${event.seq} does not match its hash (edited)` };
          }
          if (event.prevHash !== prevHash) {
            return {
              ok: false, events, brokenAt: event.seq, reason: 'relinked',
              detail: `event ${event.seq} does not link to event ${event.seq - 1} (one of them was replaced)`,
            };
          }
          prevHash = hash;
          expectedSeq += 1;
          events += 1;
        }
        if (batch.length < batchSize) break;
      }
      const head = await repo.findChainHead(deps.db);
      if (head.seq !== expectedSeq - 1 || head.hash !== prevHash) {
        return {
          ok: false, events, brokenAt: expectedSeq, reason: 'tail_deleted',
          detail: `the chain ends at event ${expectedSeq - 1} but its head says ${head.seq} (the newest events were deleted)`,
        };
      }
      return { ok: true, events, headHash: prevHash };
    },

    count: async () => (await repo.findChainHead(deps.db)).seq,

    listForTarget: (targetType, targetId, limit = 50) => repo.findEventsForTarget(deps.db, targetType, targetId, limit),
  };
  return service;
}
