import { AppError } from '../../kernel/errors.js';

export const auditNeedsTransaction = (): AppError =>
  new AppError('AUDIT_NEEDS_TRANSACTION', 'internal', 'audit.record must run inside the transaction of the change it records.');

export const auditInvalidEvent = (why: string): AppError => new AppError('AUDIT_INVALID_EVENT', 'internal', `Invalid audit event: ${why}.`);
