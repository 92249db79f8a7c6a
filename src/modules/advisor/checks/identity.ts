import type { CheckGroup } from '../advisor.types.js';

/**
 * Staff sign-in must require a second factor. With built-in accounts the back office enforces it (a staff
 * member without MFA enrols before anything opens; not a setting). With Cognito the user pool owns MFA and
 * the ID token does not say which factors were used, so staff sign in at a pool of their own where MFA is
 * required (COGNITO_STAFF_*). Without one the app refuses the back office altogether, which in production
 * means a shop nobody can run: that fails the start rather than being found by the first staff member.
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
      id: 'staff-mfa', title: 'MFA for staff', status: config.nodeEnv === 'production' ? 'fail' : 'warn',
      detail: 'AUTH_PROVIDER=cognito without a staff pool: the shoppers\' pool need not require MFA, so its groups give no staff role and the back office cannot be signed in to',
      fix: 'Configure the staff pool, where MFA is required: set COGNITO_STAFF_USER_POOL_ID, COGNITO_STAFF_CLIENT_ID and COGNITO_STAFF_DOMAIN (the AWS stack creates the pool and sets them; docs/auth-cognito.md).',
    }];
  }
  return [{ id: 'staff-mfa', title: 'MFA for staff', status: 'pass', detail: 'every staff sign-in needs a second factor; staff without one must enrol first' }];
};
