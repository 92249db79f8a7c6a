import type { CheckGroup } from '../advisor.types.js';

/**
 * Staff sign-in must require a second factor. With built-in accounts the back office enforces it (a staff
 * member without MFA enrols before anything opens; not a setting). With Cognito the user pool owns MFA and
 * the ID token does not say which factors were used, so the pool's own setting must be checked by hand.
 */
export const identityChecks: CheckGroup = ({ config }) => {
  if (config.auth.provider === 'cognito' && config.auth.cognitoStaff !== undefined) {
    return [{
      id: 'staff-mfa', title: 'MFA for staff', status: 'pass',
      detail: 'staff sign in at a staff pool of their own (COGNITO_STAFF_USER_POOL_ID); only its groups give roles, and the AWS stack creates it with MFA required',
    }];
  }
  if (config.auth.provider === 'cognito') {
    return [{
      id: 'staff-mfa', title: 'MFA for staff', status: 'warn',
      detail: 'AUTH_PROVIDER=cognito: the user pool decides whether a second factor is asked for',
      fix: 'Give staff a pool of their own with MFA required (COGNITO_STAFF_*; the AWS stack creates one), or set this pool\'s MFA to REQUIRED (docs/auth-cognito.md).',
    }];
  }
  return [{ id: 'staff-mfa', title: 'MFA for staff', status: 'pass', detail: 'every staff sign-in needs a second factor; staff without one must enrol first' }];
};
