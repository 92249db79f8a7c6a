import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Db, DatabaseHandle } from '../../src/db/database.js';
import { eventHash, genesisHash } from '../../src/modules/audit/audit.chain.js';
import { createAuditService, type AuditService } from '../../src/modules/audit/audit.service.js';
import type { AuditEventInput } from '../../src/modules/audit/audit.types.js';
import { openTestDatabase } from '../support/test-database.js';
import { codeOf } from '../support/error-code.js';

let database: DatabaseHandle;
let db: Db;
let audit: AuditService;

beforeAll(async () => {
  database = await openTestDatabase();
  db = database.db;
  audit = createAuditService({ db });
});
afterAll(async () => database.close());

/** Runs `fn` with triggers off, as an attacker with superuser rights could; the chain must still tell. */
async function asSuperuserBypassingTriggers(fn: (trx: Db) => Promise<unknown>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    await fn(trx);
  });
}

beforeEach(async () => {
  await asSuperuserBypassingTriggers(async (trx) => {
    await sql`delete from audit_event`.execute(trx);
    await sql`update audit_chain_head set seq = 0, hash = ${genesisHash}`.execute(trx);
  });
});

const event = (n: number, extra: Partial<AuditEventInput> = {}): AuditEventInput => ({
  actor: { type: 'staff', id: 'staff-1', role: 'admin' },
  action: 'product.update',
  target: { type: 'product', id: `p-${n}` },
  before: { price_amount: 1000 + n, status: 'draft' },
  after: { price_amount: 1200 + n, status: 'draft' },
  clientIp: '203.0.113.7',
  requestId: `req-${n}`,
  ...extra,
});

async function recordMany(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) await db.transaction().execute((trx) => audit.record(trx, event(i)));
}

describe('audit trail', () => {
  it('chains each event to the one before and verifies clean', async () => {
    await recordMany(5);
    const rows = await db.selectFrom('audit_event').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]?.prev_hash).toBe(genesisHash);
    expect(rows[3]?.prev_hash).toBe(rows[2]?.hash);
    expect(JSON.parse(rows[0]!.changes!)).toEqual({ price_amount: { before: 1001, after: 1201 } });
    expect(await audit.verify({ batchSize: 2 })).toEqual({ ok: true, events: 5, headHash: rows[4]?.hash });
  });

  it('keeps only what changed and redacts personal data', async () => {
    await db.transaction().execute((trx) =>
      audit.record(trx, {
        actor: { type: 'staff', id: 's1', role: 'support' },
        action: 'customer.update',
        target: { type: 'customer', id: 'c1' },
        before: { name: 'Ada Lovelace', email: 'ada@example.com', addressLine1: '1 Old St', tier: 'silver', notes: { phone: '0123' } },
        after: { name: 'Ada King', email: 'ada@example.org', addressLine1: '1 Old St', tier: 'gold', notes: { phone: '0456' } },
        personalFields: ['name'],
      }),
    );
    const row = await db.selectFrom('audit_event').select('changes').executeTakeFirstOrThrow();
    expect(JSON.parse(row.changes!)).toEqual({
      email: { before: '[redacted]', after: '[redacted]' },
      name: { before: '[redacted]', after: '[redacted]' },
      notes: { before: { phone: '[redacted]' }, after: { phone: '[redacted]' } },
      tier: { before: 'silver', after: 'gold' },
    });
    expect(row.changes).not.toMatch(/Ada|example|0123|0456/);
  });

  it('refuses to record outside a transaction', async () => {
    expect(await codeOf(audit.record(db, event(1)))).toBe('AUDIT_NEEDS_TRANSACTION');
    expect(await codeOf(db.transaction().execute((trx) => audit.record(trx, event(1, { action: 'Drop Table' }))))).toBe('AUDIT_INVALID_EVENT');
  });

  it('leaves no event behind when the change rolls back', async () => {
    await recordMany(1);
    await expect(
      db.transaction().execute(async (trx) => {
        await audit.record(trx, event(2));
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await recordMany(1);
    expect(await audit.verify()).toMatchObject({ ok: true, events: 2 });
  });

  it('stays linear when many transactions append at once', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => db.transaction().execute((trx) => audit.record(trx, event(i)))));
    expect(await audit.verify()).toMatchObject({ ok: true, events: 12 });
  });

  it('refuses UPDATE, DELETE and TRUNCATE, even from a superuser', async () => {
    await recordMany(2);
    await expect(sql`update audit_event set action = 'product.delete' where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_event where seq = 2`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_event`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update audit_chain_head set seq = 0`.execute(db)).rejects.toThrow(/forward/);
    expect(await audit.verify()).toMatchObject({ ok: true, events: 2 });
  });

  it('reports an edited event', async () => {
    await recordMany(4);
    await asSuperuserBypassingTriggers((trx) => sql`update audit_event set outcome = 'denied' where seq = 3`.execute(trx));
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'edited', events: 2 });
  });

  it('reports an edited event whose own hash was recomputed, at the next link', async () => {
    await recordMany(4);
    const row = await db.selectFrom('audit_event').selectAll().where('seq', '=', '2').executeTakeFirstOrThrow();
    const forged = eventHash({
      seq: 2, occurredAt: row.occurred_at, actorType: row.actor_type, actorId: 'someone-else', actorRole: row.actor_role,
      action: row.action, targetType: row.target_type, targetId: row.target_id, changes: row.changes, clientIp: row.client_ip,
      requestId: row.request_id, outcome: row.outcome, prevHash: row.prev_hash,
    });
    await asSuperuserBypassingTriggers((trx) => sql`update audit_event set actor_id = 'someone-else', hash = ${forged} where seq = 2`.execute(trx));
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 3, reason: 'relinked' });
  });

  it('reports a deleted event', async () => {
    await recordMany(5);
    await asSuperuserBypassingTriggers((trx) => sql`delete from audit_event where seq = 2`.execute(trx));
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 2, reason: 'deleted' });
  });

  it('reports deleted newest events against the chain head', async () => {
    await recordMany(5);
    await asSuperuserBypassingTriggers((trx) => sql`delete from audit_event where seq >= 4`.execute(trx));
    expect(await audit.verify()).toMatchObject({ ok: false, brokenAt: 4, reason: 'tail_deleted', events: 3 });
  });
});
