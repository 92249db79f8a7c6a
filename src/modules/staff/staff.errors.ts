import { AppError } from '../../kernel/errors.js';

/** The staff module's errors, each with a stable code; tests assert the code, never the wording. */

export const staffNotFound = (): AppError => new AppError('STAFF_NOT_FOUND', 'not_found', 'There is no such staff member.');

export const invitationNotFound = (): AppError => new AppError('STAFF_INVITATION_NOT_FOUND', 'not_found', 'There is no such invitation.');

export const invitationInvalid = (): AppError =>
  new AppError('STAFF_INVITATION_INVALID', 'invalid_data', 'This invitation link is not valid or has already been used. Ask for a new one.');

export const invitationExpired = (): AppError =>
  new AppError('STAFF_INVITATION_EXPIRED', 'invalid_data', 'This invitation has expired. Ask for a new one.');

export const alreadyStaff = (): AppError => new AppError('STAFF_ALREADY_MEMBER', 'conflict', 'That person is already on the staff.');

export const ownerOnly = (): AppError => new AppError('STAFF_OWNER_ONLY', 'forbidden', 'Only an owner can grant, change or remove the owner role.');

export const notOnSelf = (): AppError =>
  new AppError('STAFF_NOT_ON_SELF', 'conflict', 'You cannot change your own role or access; ask another owner or administrator.');

export const lastOwner = (): AppError => new AppError('STAFF_LAST_OWNER', 'conflict', 'The shop must keep at least one owner.');

export const managedByIdentityProvider = (): AppError =>
  new AppError('STAFF_MANAGED_BY_IDENTITY_PROVIDER', 'conflict', 'Staff roles come from the Cognito user pool groups: change them there.');

export const invitationCoolingDown = (): AppError =>
  new AppError('STAFF_INVITATION_COOLING_DOWN', 'rate_limited', 'That address was sent a mail a moment ago. Try the invitation again in a minute.');
