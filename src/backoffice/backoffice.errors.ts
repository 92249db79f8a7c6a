import { AppError } from '../kernel/errors.js';
import type { Permission } from '../kernel/permissions.js';

/** The back office's refusals, each with a stable code; tests assert the code, never the wording. */

export const staffAccessDenied = (permission?: Permission): AppError =>
  new AppError('STAFF_ACCESS_DENIED', 'forbidden', 'Your role does not allow this.', permission ? { permission } : undefined);

export const staffMfaEnrolmentRequired = (): AppError =>
  new AppError('STAFF_MFA_ENROLMENT_REQUIRED', 'forbidden', 'Staff accounts need two-step verification: set it up to continue.');
