import type { PageContext } from '../../../web/page-context.js';
import { AccountShell, Field, PostForm, type FormError } from '../../../web/forms/fields.js';

/** The change-of-e-mail form: the new address and the password (email-change.ts). */
export function ChangeEmailPage(props: { ctx: PageContext; csrf: string; currentEmail: string; newEmail?: string; errors?: FormError[] }) {
  return (
    <AccountShell ctx={props.ctx} title="Change your e-mail address" errors={props.errors}>
      <h1>Change your e-mail address</h1>
      <p>
        Your address is <strong>{props.currentEmail}</strong>. We will send a link to the new address; it changes when you open the link, and every other
        device is signed out.
      </p>
      <PostForm action="/account/security/email" csrf={props.csrf} novalidate>
        <Field
          name="newEmail"
          label="New e-mail address"
          type="email"
          autocomplete="email"
          inputMode="email"
          spellcheck={false}
          autoCapitalize="none"
          value={props.newEmail}
          errors={props.errors}
        />
        <Field name="password" label="Your password" hint="To check it is you." type="password" autocomplete="current-password" errors={props.errors} />
        <button class="button" type="submit">
          Send the link
        </button>
      </PostForm>
      <p class="form-links">
        <a href="/account">Back to your account</a>
      </p>
    </AccountShell>
  );
}

/** The mailed link opens this page; only its button (a POST) uses the token. */
export function ConfirmEmailChangePage(props: { ctx: PageContext; csrf: string; token: string }) {
  return (
    <AccountShell ctx={props.ctx} title="Confirm your new e-mail address">
      <h1>Confirm your new e-mail address</h1>
      <p>Press the button to start using this address for your account. Every other device will be signed out.</p>
      <PostForm action="/account/email/confirm" csrf={props.csrf}>
        <input type="hidden" name="token" value={props.token} />
        <button class="button" type="submit">
          Confirm my new e-mail address
        </button>
      </PostForm>
    </AccountShell>
  );
}
