import type { ColumnType, Generated } from 'kysely';

/** Where a job is in its life: waiting (or waiting to retry), claimed by a worker, finished, or parked. */
export type OutboxJobStatus = 'ready' | 'running' | 'done' | 'dead';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

/**
 * One job of the transactional outbox, written in the same transaction as the change that causes it.
 * `payload_encrypted` is the JSON payload sealed by the key ring for this row (it may hold a recipient, a
 * mail body, a single-use link); it is cleared once the job is done, so only pending and dead jobs keep one.
 */
export interface OutboxJobTable {
  id: string;
  /** Order of writing (identity): jobs due at the same moment run in the order they were enqueued. */
  seq: Generated<string>;
  type: string;
  /** Idempotency key: a second job with the same key is not written. */
  key: string;
  payload_encrypted: Uint8Array | null;
  status: OutboxJobStatus;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: number;
  run_at: Timestamp;
  /** While running: the lease; after it, another worker may take the job (its worker is presumed dead). */
  locked_until: Timestamp | null;
  /** While running: which claim holds the job, so a late worker cannot overwrite a newer claim's outcome. */
  locked_by: string | null;
  /** The last failure's code and message, never its stack or the payload (no secrets, no personal data). */
  last_error: string | null;
  created_at: ColumnType<Date, Date | string, never>;
  updated_at: Timestamp;
}

export interface OutboxTables {
  outbox_job: OutboxJobTable;
  mail_cooldown: MailCooldownTable;
}

/** The per-recipient cooldown of account mail (outbox.mail.ts): until when the address gets no more. */
export interface MailCooldownTable {
  recipient_index: Uint8Array;
  until: Timestamp;
}
