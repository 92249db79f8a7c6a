import { setting, type CheckGroup } from '../advisor.types.js';

/** Staff sign-in must require a second factor. Accounts arrive with a later issue. */
export const identityChecks: CheckGroup = ({ config }) => {
  const enforced = setting(config, 'auth.staffMfaRequired');
  if (enforced === undefined) {
    return [{
      id: 'staff-mfa', title: 'MFA for staff', status: 'warn', detail: 'not yet available: staff accounts do not exist yet',
      fix: 'Nothing to do until staff accounts ship; they will require TOTP or a passkey.',
    }];
  }
  return [
    enforced === true
      ? { id: 'staff-mfa', title: 'MFA for staff', status: 'pass', detail: 'every staff sign-in needs a second factor' }
      : { id: 'staff-mfa', title: 'MFA for staff', status: 'fail', detail: 'staff can sign in with a password alone', fix: 'Turn staff MFA enforcement back on.' },
  ];
};
