import type { ColumnType } from 'kysely';

/** The audit module's tables, by name; db/schema.ts composes every module's. */
export interface AuditTables {
  audit_event: AuditEventTable;
  audit_chain_head: AuditChainHeadTable;
}

/** One append-only audit event (src/modules/audit); `hash` chains it to the previous one. */
export interface AuditEventTable {
  seq: ColumnType<string, number, never>;
  occurred_at: ColumnType<Date, Date, never>;
  actor_type: 'staff' | 'customer' | 'system' | 'anonymous';
  actor_id: string | null;
  actor_role: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  changes: string | null;
  client_ip: string | null;
  request_id: string | null;
  outcome: 'success' | 'failure' | 'denied';
  prev_hash: string;
  hash: string;
}

export interface AuditChainHeadTable {
  id: number;
  seq: ColumnType<string, number, number>;
  hash: string;
}
