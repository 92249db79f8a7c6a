import type { Enrolment } from '../../auth/index.js';
import { MfaEnrolSteps, RecoveryCodeList } from '../../auth/index.js';
import { PasskeySignIn } from '../../auth/index.js';
import { Field, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { roleLabels, type StaffRole } from '../../../kernel/permissions.js';
import { AdminGate } from '../../../backoffice/index.js';

/** What the pages before the back office opens need. */
export interface GateProps {
  shopName: string;
  stylesheet: string;
  csrf: string;
  errors?: FormError[];
}

export function AdminSignInPage(props: GateProps & { email?: string; notice?: string; passkeyScripts?: readonly string[] }) {
  return (
    <AdminGate {...props} title="Sign in" {...(props.passkeyScripts ? { scripts: props.passkeyScripts } : {})}>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <h1>Sign in to the back office</h1>
      <PostForm action="/admin/sign-in" csrf={props.csrf} novalidate>
        <Field name="email" label="E-mail address" type="email" autocomplete="username" value={props.email ?? ''} errors={props.errors} spellcheck={false} autoCapitalize="none" />
        <Field name="password" label="Password" type="password" autocomplete="current-password" errors={props.errors} />
        <button class="button" type="submit">
          Sign in
        </button>
      </PostForm>
      <p class="form-links">
        <a href="/account/reset">Forgotten your password?</a>
      </p>
      {props.passkeyScripts ? <PasskeySignIn next="/admin" /> : null}
    </AdminGate>
  );
}

export function AdminMfaPage(props: GateProps & { recovery: boolean }) {
  return (
    <AdminGate {...props} title="Two-step verification">
      <h1>Two-step verification</h1>
      <PostForm action="/admin/mfa" csrf={props.csrf} novalidate>
        {props.recovery ? (
          <Field name="recoveryCode" label="Recovery code" hint="One of the codes you saved when you set up two-step verification." autocomplete="off" spellcheck={false} autoCapitalize="none" errors={props.errors} />
        ) : (
          <Field name="code" label="Code from your authenticator app" autocomplete="one-time-code" inputMode="numeric" maxLength={6} errors={props.errors} />
        )}
        <button class="button" type="submit">
          Continue
        </button>
      </PostForm>
      <p class="form-links">{props.recovery ? <a href="/admin/mfa">Use a code from the app instead</a> : <a href="/admin/mfa?recovery=1">Use a recovery code</a>}</p>
    </AdminGate>
  );
}

/** Staff must enrol before anything else; this page starts the enrolment or shows the one in progress. */
export function AdminMfaSetupPage(props: GateProps & { enrolment?: Enrolment }) {
  const enrolment = props.enrolment;
  if (enrolment === undefined) {
    return (
      <AdminGate {...props} title="Set up two-step verification">
        <h1>Set up two-step verification</h1>
        <p>Every back-office account needs a second step at sign-in: a code from an authenticator app on your phone. It takes a minute, and you do it once.</p>
        <PostForm action="/admin/mfa-setup" csrf={props.csrf}>
          <button class="button" type="submit">
            Start
          </button>
        </PostForm>
      </AdminGate>
    );
  }
  return (
    <AdminGate {...props} title="Set up two-step verification">
      <h1>Set up two-step verification</h1>
      <MfaEnrolSteps enrolment={enrolment} action="/admin/mfa-setup/confirm" csrf={props.csrf} errors={props.errors} />
    </AdminGate>
  );
}

export function AdminRecoveryCodesPage(props: Omit<GateProps, 'csrf'> & { codes: string[] }) {
  return (
    <AdminGate {...props} title="Save your recovery codes">
      <RecoveryCodeList codes={props.codes} next={{ href: '/admin', label: 'Continue to the back office' }} />
    </AdminGate>
  );
}

export function InvitationPage(props: GateProps & { token: string; email: string; role: StaffRole; hasAccount: boolean }) {
  return (
    <AdminGate {...props} title="Accept your invitation">
      <h1>Join the back office</h1>
      <p>
        You are invited as <strong>{roleLabels[props.role]}</strong> with the address <strong>{props.email}</strong>.
      </p>
      <PostForm action="/admin/invitations/accept" csrf={props.csrf} novalidate>
        <input type="hidden" name="token" value={props.token} />
        {props.hasAccount ? (
          <Field name="password" label="Your password" hint="This address already has an account: enter its password to add back-office access to it." type="password" autocomplete="current-password" errors={props.errors} />
        ) : (
          <Field name="password" label="Create a password" hint="At least 8 characters. A few unrelated words make a strong one." type="password" autocomplete="new-password" errors={props.errors} />
        )}
        <button class="button" type="submit">
          Accept the invitation
        </button>
      </PostForm>
    </AdminGate>
  );
}
