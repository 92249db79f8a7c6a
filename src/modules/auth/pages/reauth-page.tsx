import type { PageContext } from '../../../web/page-context.js';
import { AccountShell, Field, PostForm, type FormError } from '../../../web/forms/fields.js';
import { PasskeyReauth, passkeyScriptsOf } from '../passkeys/passkeys-views.js';

/**
 * "Confirm it is you": asked before a change of factors, address or password, or a deletion, when the
 * session's last re-authentication is older than `minutes`. The password and, with MFA on, a code (or a
 * recovery code) as a plain form; a user-verified passkey as an enhancement when the account has one.
 * An account without a password (a Cognito account) signs in again instead: a fresh sign-in counts.
 */
export function ReauthPage(props: {
  ctx: PageContext;
  csrf: string;
  next: string;
  minutes: number;
  password: boolean;
  mfa: boolean;
  passkeys: number;
  /** Signs in through the identity provider (Cognito): a fresh sign-in there is the re-authentication. */
  federated: boolean;
  errors?: FormError[];
}) {
  const scripts = props.passkeys > 0 ? passkeyScriptsOf(props.ctx) : [];
  return (
    <AccountShell ctx={props.ctx} title="Confirm it is you" errors={props.errors} scripts={scripts}>
      <h1>Confirm it is you</h1>
      <p>
        Changing how you sign in, your e-mail address or your password, or deleting the account, needs you to confirm it is you. It lasts{' '}
        {props.minutes} minutes.
      </p>
      {props.password ? (
        <PostForm action="/account/security/confirm" csrf={props.csrf} novalidate>
          <input type="hidden" name="next" value={props.next} />
          <Field name="password" label="Your password" type="password" autocomplete="current-password" errors={props.errors} />
          {props.mfa ? (
            <>
              <Field name="code" label="Code from your authenticator app" hint="The 6-digit code the app shows now." autocomplete="one-time-code" inputMode="numeric" maxLength={6} errors={props.errors} />
              <details class="disclosure">
                <summary>Use a recovery code instead</summary>
                <Field name="recoveryCode" label="Recovery code" hint="One of the codes you saved, like abcd-efgh-ijkl-mnop. Each works once." autocomplete="off" spellcheck={false} autoCapitalize="none" errors={props.errors} />
              </details>
            </>
          ) : null}
          <button class="button" type="submit">
            Confirm
          </button>
        </PostForm>
      ) : props.federated ? (
        <p>
          Your account signs in through our sign-in service. <a href="/account/oauth/start">Sign in again there</a> to confirm it is you, then come
          back.
        </p>
      ) : props.passkeys === 0 ? (
        <p>Your account has no password or passkey to confirm with. Reset your password from the sign-in page to set one.</p>
      ) : null}
      {props.passkeys > 0 ? <PasskeyReauth next={props.next} /> : null}
      <p class="form-links">
        <a href="/account">Back to your account</a>
      </p>
    </AccountShell>
  );
}
