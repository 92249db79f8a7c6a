import type { Actor, ActorType } from '../../kernel/request-context.js';

export type { ActorType };
export type AuditOutcome = 'success' | 'failure' | 'denied';

/** What a caller hands to `audit.record`: who did what to which thing, and how it went. */
export interface AuditEventInput {
  actor: Actor;
  /** A dotted verb, e.g. `product.update`, `staff.sign_in`, `keys.rotate`. */
  action: string;
  target?: { type: string; id: string } | null;
  /** The record before and after the change; only changed fields are kept, personal data redacted. */
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Extra field names to redact besides the built-in personal-data names. */
  personalFields?: readonly string[];
  clientIp?: string | null;
  requestId?: string | null;
  outcome?: AuditOutcome;
  /** Defaults to now; tests pass a fixed time. */
  occurredAt?: Date;
}

/** One field's change; a redacted side reads "[redacted]". */
export interface FieldChange {
  before: unknown;
  after: unknown;
}

/** A stored event, as hashed. */
export interface AuditEvent {
  seq: number;
  occurredAt: Date;
  actorType: ActorType;
  actorId: string | null;
  actorRole: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  /** Canonical JSON of Record<string, FieldChange>, or null. */
  changes: string | null;
  clientIp: string | null;
  requestId: string | null;
  outcome: AuditOutcome;
  prevHash: string;
  hash: string;
}

/** The result of walking the chain: ok, or the first broken link. */
export type ChainVerification =
  | { ok: true; events: number; headHash: string }
  | { ok: false; events: number; brokenAt: number; reason: 'edited' | 'deleted' | 'relinked' | 'tail_deleted'; detail: string };
