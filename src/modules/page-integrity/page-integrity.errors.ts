import { AppError } from '../../kernel/errors.js';

/** The tamper check's errors, each with a stable code. */

/** A payment page or script could not be fetched at all (DNS, connection, timeout): nothing was compared. */
export const pageIntegrityUnreachable = (where: string, cause: unknown): AppError =>
  Object.assign(new AppError('PAGE_INTEGRITY_UNREACHABLE', 'unavailable', `Could not fetch ${where} to check it.`), { cause });
