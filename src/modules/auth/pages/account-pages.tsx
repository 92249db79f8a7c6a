import type { PageContext } from '../../../web/page-context.js';
import type { Me } from '../auth.service.js';
import type { Enrolment } from '../mfa.js';
import { PasskeySignIn, passkeyScriptsOf } from '../passkeys/passkeys-views.js';
import { AccountShell, Field, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';

interface FormPageProps {
  ctx: PageContext;
  csrf: string;
  errors?: FormError[];
}

export function SignInPage(props: FormPageProps & { email?: string; notice?: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Sign in" errors={props.errors} scripts={passkeyScriptsOf(props.ctx)}>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <h1>Sign in</h1>
      <PostForm action="/account/sign-in" csrf={props.csrf} novalidate>
        <Field name="email" label="E-mail address" type="email" autocomplete="email" inputMode="email" spellcheck={false} autoCapitalize="none" value={props.email} errors={props.errors} />
        <Field name="password" label="Password" type="password" autocomplete="current-password" errors={props.errors} />
        <button class="button" type="submit">
          Sign in
        </button>
      </PostForm>
      <p class="form-links">
        <a href="/account/reset">Forgotten your password?</a>
      </p>
      <PasskeySignIn next="/account" />
      <h2 class="form-subhead">New here?</h2>
      <p>
        <a href="/account/sign-up">Create an account</a> to see your orders and check out faster. You can also check out as a guest.
      </p>
    </AccountShell>
  );
}

export function SignUpPage(props: FormPageProps & { email?: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Create an account" errors={props.errors}>
      <h1>Create an account</h1>
      <PostForm action="/account/sign-up" csrf={props.csrf} novalidate>
        <Field
          name="email"
          label="E-mail address"
          hint="We will send you a link to confirm it."
          type="email"
          autocomplete="email"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="none"
          value={props.email}
          errors={props.errors}
        />
        <Field
          name="password"
          label="Create a password"
          hint="At least 8 characters. A few unrelated words make a strong password that is easy to remember."
          type="password"
          autocomplete="new-password"
          errors={props.errors}
        />
        <button class="button" type="submit">
          Create account
        </button>
      </PostForm>
      <p class="form-links">
        Already have an account? <a href="/account/sign-in">Sign in</a>
      </p>
    </AccountShell>
  );
}

/** Shown after sign-up and after a reset request: the same words whether or not an account exists. */
export function CheckInboxPage({ ctx, title, message }: { ctx: PageContext; title: string; message: string }) {
  return (
    <AccountShell ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      <p>The mail can take a few minutes to arrive. Check your spam folder too.</p>
    </AccountShell>
  );
}

export function VerifyEmailPage(props: FormPageProps & { token: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Confirm your e-mail address" errors={props.errors}>
      <h1>Confirm your e-mail address</h1>
      <p>Press the button to finish creating your account.</p>
      <PostForm action="/account/verify-email" csrf={props.csrf}>
        <input type="hidden" name="token" value={props.token} />
        <button class="button" type="submit">
          Confirm my e-mail address
        </button>
      </PostForm>
    </AccountShell>
  );
}

export function MessagePage({ ctx, title, message, link }: { ctx: PageContext; title: string; message: string; link?: { href: string; label: string } }) {
  return (
    <AccountShell ctx={ctx} title={title}>
      <h1>{title}</h1>
      <p>{message}</p>
      {link ? (
        <p class="form-links">
          <a class="button" href={link.href}>
            {link.label}
          </a>
        </p>
      ) : null}
    </AccountShell>
  );
}

export function ResetRequestPage(props: FormPageProps & { email?: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Reset your password" errors={props.errors}>
      <h1>Reset your password</h1>
      <p>Enter the e-mail address of your account and we will send you a link to choose a new password.</p>
      <PostForm action="/account/reset" csrf={props.csrf} novalidate>
        <Field name="email" label="E-mail address" type="email" autocomplete="email" inputMode="email" spellcheck={false} autoCapitalize="none" value={props.email} errors={props.errors} />
        <button class="button" type="submit">
          Send me a link
        </button>
      </PostForm>
    </AccountShell>
  );
}

export function ResetConfirmPage(props: FormPageProps & { token: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Choose a new password" errors={props.errors}>
      <h1>Choose a new password</h1>
      <p>Setting it signs you out on every device.</p>
      <PostForm action="/account/reset/confirm" csrf={props.csrf} novalidate>
        <input type="hidden" name="token" value={props.token} />
        <Field name="password" label="New password" hint="At least 8 characters." type="password" autocomplete="new-password" errors={props.errors} />
        <button class="button" type="submit">
          Set password
        </button>
      </PostForm>
    </AccountShell>
  );
}

export function MfaVerifyPage(props: FormPageProps & { recovery: boolean }) {
  return (
    <AccountShell ctx={props.ctx} title="Two-step verification" errors={props.errors}>
      <h1>Two-step verification</h1>
      <PostForm action="/account/mfa" csrf={props.csrf} novalidate>
        {props.recovery ? (
          <Field name="recoveryCode" label="Recovery code" hint="One of the codes you saved when you set up two-step verification, like abcd-efgh-ijkl-mnop. Each works once." autocomplete="off" spellcheck={false} autoCapitalize="none" errors={props.errors} />
        ) : (
          <Field name="code" label="Code from your authenticator app" hint="The 6-digit code the app shows now." autocomplete="one-time-code" inputMode="numeric" maxLength={6} errors={props.errors} />
        )}
        <button class="button" type="submit">
          Continue
        </button>
      </PostForm>
      <p class="form-links">
        {props.recovery ? <a href="/account/mfa">Use a code from the app instead</a> : <a href="/account/mfa?recovery=1">Use a recovery code</a>}
      </p>
    </AccountShell>
  );
}

export interface DeviceRow {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  current: boolean;
}

export function AccountPage(props: { ctx: PageContext; csrf: string; me: Me; devices: DeviceRow[]; notice?: string | undefined }) {
  const { me } = props;
  const when = (d: Date) => d.toLocaleString(props.ctx.locale, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <AccountShell ctx={props.ctx} title="Your account">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <h1>Your account</h1>
      <dl class="summary-list">
        <div>
          <dt>E-mail address</dt>
          <dd>{me.email}</dd>
        </div>
        <div>
          <dt>Two-step verification</dt>
          <dd>{me.mfaEnabled ? 'On' : 'Off'}</dd>
        </div>
      </dl>
      <h2 class="form-subhead">Your details</h2>
      <ul class="link-list">
        <li>
          <a href="/account/profile">Name, phone and e-mail offers</a>
        </li>
        <li>
          <a href="/account/addresses">Addresses</a>
        </li>
        <li>
          <a href="/account/security/email">Change your e-mail address</a>
        </li>
      </ul>
      <h2 class="form-subhead">Security</h2>
      <p>
        <a href="/account/security/password">Change your password</a>
      </p>
      <p>
        <a href="/account/security/passkeys">Passkeys</a>: sign in with your fingerprint, face or screen lock
      </p>
      {me.mfaEnabled ? (
        <p>
          <a href="/account/security/mfa/disable">Turn off two-step verification</a>
        </p>
      ) : (
        <PostForm action="/account/security/mfa" csrf={props.csrf}>
          <p>Protect your account with a code from an authenticator app as well as your password.</p>
          <button class="button button--secondary" type="submit">
            Set up two-step verification
          </button>
        </PostForm>
      )}
      <h2 class="form-subhead">Signed-in devices</h2>
      <ul class="device-list">
        {props.devices.map((d) => (
          <li key={d.id}>
            <p>
              {d.current ? <strong>This device</strong> : 'Another device'}
              <span class="device-list__meta">
                {' '}
                · signed in {when(d.createdAt)} · last active {when(d.lastSeenAt)}
              </span>
            </p>
            {d.current ? null : (
              <PostForm action={`/account/sessions/${d.id}/sign-out`} csrf={props.csrf}>
                <button class="button button--secondary" type="submit">
                  Sign out<span class="visually-hidden"> the device signed in {when(d.createdAt)}</span>
                </button>
              </PostForm>
            )}
          </li>
        ))}
      </ul>
      <h2 class="form-subhead">Your data</h2>
      <p>
        <a class="button button--secondary" href="/api/v1/me/export" download>
          Download my data
        </a>
      </p>
      <p>
        <a href="/account/delete">Delete your account</a>
      </p>
      <div class="button-row">
        <PostForm action="/account/sign-out" csrf={props.csrf}>
          <button class="button" type="submit">
            Sign out
          </button>
        </PostForm>
        <PostForm action="/account/sign-out-everywhere" csrf={props.csrf}>
          <button class="button button--secondary" type="submit">
            Sign out on every device
          </button>
        </PostForm>
      </div>
    </AccountShell>
  );
}

/** The enrolment steps: QR code, key and the first code's form (the account and back-office set-up pages). */
export function MfaEnrolSteps(props: { enrolment: Enrolment; action: string; csrf: string; errors?: FormError[] | undefined }) {
  const grouped = props.enrolment.secret.match(/.{1,4}/g)?.join(' ') ?? props.enrolment.secret;
  return (
    <>
      <ol class="steps">
        <li>Open an authenticator app on your phone (for example 1Password, Google Authenticator or Microsoft Authenticator).</li>
        <li>Scan this QR code with it, or type the key below.</li>
      </ol>
      {/* The SVG is made on this server by the qrcode package from the otpauth URI; it holds only paths. */}
      <figure class="qr" aria-label="QR code for your authenticator app" dangerouslySetInnerHTML={{ __html: props.enrolment.qrSvg }} />
      <p>
        Key: <code class="secret">{grouped}</code>
      </p>
      <PostForm action={props.action} csrf={props.csrf} novalidate>
        <Field name="code" label="Code from the app" hint="Enter the 6-digit code the app now shows." autocomplete="one-time-code" inputMode="numeric" maxLength={6} errors={props.errors} />
        <button class="button" type="submit">
          Turn on two-step verification
        </button>
      </PostForm>
    </>
  );
}

export function MfaEnrolPage(props: FormPageProps & { enrolment: Enrolment }) {
  return (
    <AccountShell ctx={props.ctx} title="Set up two-step verification" errors={props.errors}>
      <h1>Set up two-step verification</h1>
      <MfaEnrolSteps enrolment={props.enrolment} action="/account/security/mfa/confirm" csrf={props.csrf} errors={props.errors} />
    </AccountShell>
  );
}

/** The recovery codes, shown once, with the way on (the account and back-office set-up pages). */
export function RecoveryCodeList({ codes, next }: { codes: string[]; next: { href: string; label: string } }) {
  return (
    <>
      <Notice>Two-step verification is on.</Notice>
      <h1>Save your recovery codes</h1>
      <p>If you lose your phone, each of these codes lets you sign in once. Keep them somewhere safe: this is the only time they are shown.</p>
      <ul class="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ul>
      <p class="form-links">
        <a class="button" href={next.href}>
          {next.label}
        </a>
      </p>
    </>
  );
}

export function RecoveryCodesPage({ ctx, codes }: { ctx: PageContext; codes: string[] }) {
  return (
    <AccountShell ctx={ctx} title="Save your recovery codes">
      <RecoveryCodeList codes={codes} next={{ href: '/account', label: 'I have saved them' }} />
    </AccountShell>
  );
}

export function MfaDisablePage(props: FormPageProps) {
  return (
    <AccountShell ctx={props.ctx} title="Turn off two-step verification" errors={props.errors}>
      <h1>Turn off two-step verification</h1>
      <p>Your account will be protected by your password only.</p>
      <PostForm action="/account/security/mfa/disable" csrf={props.csrf} novalidate>
        <Field name="password" label="Password" type="password" autocomplete="current-password" errors={props.errors} />
        <Field name="code" label="Code from your authenticator app" autocomplete="one-time-code" inputMode="numeric" maxLength={6} errors={props.errors} />
        <button class="button" type="submit">
          Turn off
        </button>
      </PostForm>
    </AccountShell>
  );
}

export function ChangePasswordPage(props: FormPageProps) {
  return (
    <AccountShell ctx={props.ctx} title="Change your password" errors={props.errors}>
      <h1>Change your password</h1>
      <p>Changing it signs you out on every other device.</p>
      <PostForm action="/account/security/password" csrf={props.csrf} novalidate>
        <Field name="currentPassword" label="Current password" type="password" autocomplete="current-password" errors={props.errors} />
        <Field name="newPassword" label="New password" hint="At least 8 characters." type="password" autocomplete="new-password" errors={props.errors} />
        <button class="button" type="submit">
          Change password
        </button>
      </PostForm>
    </AccountShell>
  );
}
