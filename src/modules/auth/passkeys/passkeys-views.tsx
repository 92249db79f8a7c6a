import type { PageContext } from '../../../web/page-context.js';
import { AccountShell, Field, Notice, PostForm } from '../../../web/forms/fields.js';
import type { Passkey } from './passkeys.service.js';

/**
 * The passkey pages' markup. The ceremonies need JavaScript (src/web/scripts/passkeys.js, loaded from
 * /assets/ with @simplewebauthn/browser: no inline script). Everything that needs it is rendered
 * `hidden` and shown by the script once it knows the browser can use passkeys; without JavaScript a
 * <noscript> says so, and the list and removal (plain forms) still work.
 */

/** The script URLs a page with a passkey ceremony lists in its layout. */
export function passkeyScriptsOf(ctx: PageContext): string[] {
  return ctx.scripts ? [ctx.scripts.webauthn, ctx.scripts.passkeys] : [];
}

/** An error summary the script fills in (GOV.UK's wording and shape); hidden until then. */
function ScriptErrorSummary({ id }: { id: string }) {
  return (
    <div class="error-summary" role="alert" aria-labelledby={`${id}-title`} tabIndex={-1} data-passkey-error hidden>
      <h2 id={`${id}-title`} class="error-summary__title">
        There is a problem
      </h2>
      <ul class="error-summary__list">
        <li data-passkey-error-message />
      </ul>
    </div>
  );
}

/**
 * "Sign in with a passkey" for a sign-in page. `next` is where the script goes after a sign-in (the
 * storefront's /account, the back office's /admin): the API itself does not redirect.
 */
export function PasskeySignIn({ next }: { next: string }) {
  return (
    <section class="form passkey-sign-in" aria-labelledby="passkey-sign-in-title">
      <h2 class="form-subhead" id="passkey-sign-in-title">
        Use a passkey
      </h2>
      <p>If you have added a passkey to your account, sign in with your fingerprint, face or screen lock instead of your password.</p>
      <noscript>
        <p>Signing in with a passkey needs JavaScript, which is turned off in this browser. You can sign in with your password.</p>
      </noscript>
      <p data-passkey-unsupported hidden>
        This browser cannot use passkeys. You can sign in with your password.
      </p>
      <div data-passkey-sign-in data-next={next} hidden>
        <ScriptErrorSummary id="passkey-sign-in-error" />
        <button class="button button--secondary" type="button" data-passkey-sign-in-button>
          Sign in with a passkey
        </button>
      </div>
    </section>
  );
}

export interface PasskeysPageProps {
  ctx: PageContext;
  passkeys: Passkey[];
  limit: number;
  notice?: string | undefined;
}

export function PasskeysPage({ ctx, passkeys, limit, notice }: PasskeysPageProps) {
  const day = (d: Date) => d.toLocaleDateString(ctx.locale, { dateStyle: 'medium' });
  return (
    <AccountShell ctx={ctx} title="Passkeys" scripts={passkeyScriptsOf(ctx)}>
      {notice ? <Notice>{notice}</Notice> : null}
      <ScriptErrorSummary id="passkey-add-error" />
      <h1>Passkeys</h1>
      <p>
        A passkey lets you sign in with your fingerprint, face or screen lock instead of your password. It stays on your device or in your password manager,
        and works only on this shop, so a fake site cannot trick you into giving it away.
      </p>
      <h2 class="form-subhead">Your passkeys</h2>
      {passkeys.length === 0 ? (
        <p>You have not added a passkey yet.</p>
      ) : (
        <ul class="device-list">
          {passkeys.map((p) => (
            <li key={p.id}>
              <p>
                <strong>{p.name}</strong>
                <span class="device-list__meta">
                  {' '}
                  · added {day(p.createdAt)} · {p.lastUsedAt ? `last used ${day(p.lastUsedAt)}` : 'not used yet'}
                  {p.deviceType === 'multiDevice' ? ' · synced between your devices' : ''}
                </span>
              </p>
              <a class="button button--secondary" href={`/account/security/passkeys/${p.id}/remove`}>
                Remove<span class="visually-hidden"> the passkey {p.name}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <h2 class="form-subhead">Add a passkey</h2>
      {passkeys.length >= limit ? (
        <p>
          You have {limit} passkeys, the most an account can have. Remove one to add another.
        </p>
      ) : (
        <div class="form">
          <noscript>
            <p>Adding a passkey needs JavaScript, which is turned off in this browser. Everything else on this page works without it.</p>
          </noscript>
          <p data-passkey-unsupported hidden>
            This browser cannot create passkeys. Try another browser or device.
          </p>
          <div class="form" data-passkey-register-box hidden>
            <p>Your browser or device will ask you to confirm with your fingerprint, face or screen lock.</p>
            <form class="form" data-passkey-register data-next="/account/security/passkeys?done=added" noValidate>
              <Field name="passkeyName" label="Name for this passkey" hint="So you can tell your passkeys apart, for example “Phone” or “Work laptop”." autocomplete="off" />
              <button class="button" type="submit">
                Add a passkey
              </button>
            </form>
          </div>
        </div>
      )}
      <p class="form-links">
        <a href="/account">Back to your account</a>
      </p>
    </AccountShell>
  );
}

export function RemovePasskeyPage({ ctx, csrf, passkey }: { ctx: PageContext; csrf: string; passkey: Passkey }) {
  return (
    <AccountShell ctx={ctx} title="Remove this passkey?">
      <h1>Remove the passkey “{passkey.name}”?</h1>
      <p>You will no longer be able to sign in with it. It stays on your device or in your password manager until you delete it there too.</p>
      <div class="button-row">
        <PostForm action={`/account/security/passkeys/${passkey.id}/remove`} csrf={csrf}>
          <button class="button" type="submit">
            Remove passkey
          </button>
        </PostForm>
        <a class="button button--secondary" href="/account/security/passkeys">
          Cancel
        </a>
      </div>
    </AccountShell>
  );
}

export function PasskeyGonePage({ ctx }: { ctx: PageContext }) {
  return (
    <AccountShell ctx={ctx} title="Passkey not found">
      <h1>Passkey not found</h1>
      <p>There is no such passkey on your account. It may have been removed already.</p>
      <p class="form-links">
        <a class="button" href="/account/security/passkeys">
          Go to your passkeys
        </a>
      </p>
    </AccountShell>
  );
}
