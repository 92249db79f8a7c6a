import type { CheckGroup } from '../advisor.types.js';

/**
 * Staff sign-in must require a second factor. With built-in accounts the back office enforces it (a staff
 * member without MFA enrols before anything opens; not a setting). With Cognito the user pool owns MFA and
 * the ID token does not say which factors were used, so the pool's own setting must be checked by hand.
 */
export const identityChecks: CheckGroup = ({ config }) => {
  if (config.auth.provider === 'cognito') {
    return [{
      id: 'staff-mfa', title: 'MFA for staff', status: 'warn',
      detail: 'AUTH_PROVIDER=cognito: the user pool decides whether a second factor is asked for',
      fix: 'Set the user pool MFA to REQUIRED, or require TOTP for members of the staff groups (docs/auth-cognito.md).',
    }];
  }
  return [{ id: 'staff-mfa', title: 'MFA for staff', status: 'pass', detail: 'every staff sign-in needs a second factor; staff without one must enrol first' }];
};
