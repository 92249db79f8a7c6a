import { createHash } from 'node:crypto';
import type { AuditEvent } from './audit.types.js';

/** The hash the first event links to. */
export const genesisHash = '0'.repeat(64);

/**
 * JSON with object keys sorted at every depth and no whitespace: one byte string per value, so a
 * hash computed at write time can be recomputed from the stored row. Dates become ISO strings.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  return value;
}

/**
 * SHA-256 over the canonical serialisation of an event, its previous hash included (a hash chain).
 * Version-tagged, so the format can evolve without breaking old links.
 */
export function eventHash(event: Omit<AuditEvent, 'hash'>): string {
  const fields = [
    'bastion-audit-v1',
    event.seq,
    event.occurredAt.toISOString(),
    event.actorType,
    event.actorId,
    event.actorRole,
    event.action,
    event.targetType,
    event.targetId,
    event.changes,
    event.clientIp,
    event.requestId,
    event.outcome,
    event.prevHash,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
