import { AppError } from '../../kernel/errors.js';

/** The outbox's errors, each with a stable code; tests assert the code, never the wording. */

export const outboxJobNotFound = (): AppError => new AppError('OUTBOX_JOB_NOT_FOUND', 'not_found', 'There is no such dead job.');

export const outboxJobNotDead = (): AppError =>
  new AppError('OUTBOX_JOB_NOT_DEAD', 'conflict', 'Only a dead job can be retried or discarded; this one is not dead (any more).');

export const outboxInvalidJob = (why: string): AppError => new AppError('OUTBOX_INVALID_JOB', 'internal', `The job cannot be enqueued: ${why}.`);
