import type { PageContext } from '../../../web/page-context.js';
import { AccountShell, Field, Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { countryOptions } from '../../../kernel/countries.js';
import type { Address, AddressFields } from '../customers.service.js';
import { Checkbox, Checkboxes, SelectField } from './controls.js';

interface FormPageProps {
  ctx: PageContext;
  csrf: string;
  errors?: FormError[] | undefined;
}

/** What an address form shows: the stored values, or what was just typed. */
export type AddressFormValues = { [K in keyof AddressFields | 'label']?: string | null } & { isDefaultShipping?: boolean; isDefaultBilling?: boolean };

const countryName = (ctx: PageContext, code: string) => new Intl.DisplayNames([ctx.locale], { type: 'region' }).of(code) ?? code;

function BackToAccount() {
  return (
    <p class="form-links">
      <a href="/account">Back to your account</a>
    </p>
  );
}

export function ProfilePage(props: FormPageProps & { values: { fullName: string; phone: string; marketingOptIn: boolean }; notice?: string | undefined }) {
  const { values } = props;
  return (
    <AccountShell ctx={props.ctx} title="Your details" errors={props.errors}>
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <h1>Your details</h1>
      <p>We use these on your orders and when we need to contact you.</p>
      <PostForm action="/account/profile" csrf={props.csrf} novalidate>
        <Field name="fullName" label="Full name" autocomplete="name" spellcheck={false} value={values.fullName} errors={props.errors} />
        <Field name="phone" label="Phone number (optional)" hint="For questions about a delivery." type="tel" inputMode="tel" autocomplete="tel" value={values.phone} errors={props.errors} />
        <Checkboxes legend="News and offers">
          <Checkbox name="marketingOptIn" label="Send me news and offers by e-mail" hint="At most twice a month. You can stop at any time." checked={values.marketingOptIn} />
        </Checkboxes>
        <button class="button" type="submit">
          Save details
        </button>
      </PostForm>
      <BackToAccount />
    </AccountShell>
  );
}

/** The address as it would be written on an envelope. */
function AddressLines({ ctx, address }: { ctx: PageContext; address: AddressFields }) {
  const lines = [address.name, address.line1, address.line2, address.city, address.region, address.postalCode, countryName(ctx, address.country)].filter(
    (l): l is string => l !== null && l !== '',
  );
  return (
    <address class="address-card__lines">
      {lines.map((line, i) => (
        <span key={i}>
          {line}
          <br />
        </span>
      ))}
      {address.phone ? <span class="address-card__phone">Phone: {address.phone}</span> : null}
    </address>
  );
}

export function AddressesPage(props: { ctx: PageContext; addresses: Address[]; max: number; notice?: string | undefined }) {
  const { addresses } = props;
  const titleOf = (a: Address) => a.label ?? a.name;
  return (
    <AccountShell ctx={props.ctx} title="Your addresses">
      {props.notice ? <Notice>{props.notice}</Notice> : null}
      <h1>Your addresses</h1>
      {addresses.length === 0 ? (
        <p>You have no saved addresses yet. Save one and it is filled in for you at checkout.</p>
      ) : (
        <ul class="address-list">
          {addresses.map((a) => (
            <li class="address-card" key={a.id}>
              <h2 class="address-card__title">{titleOf(a)}</h2>
              {a.isDefaultShipping || a.isDefaultBilling ? (
                <p class="address-card__badges">
                  {a.isDefaultShipping ? <span class="badge">Default delivery</span> : null}
                  {a.isDefaultBilling ? <span class="badge">Default billing</span> : null}
                </p>
              ) : null}
              <AddressLines ctx={props.ctx} address={a} />
              <p class="address-card__actions">
                <a href={`/account/addresses/${a.id}/edit`}>
                  Change<span class="visually-hidden"> {titleOf(a)}</span>
                </a>
                <a href={`/account/addresses/${a.id}/delete`}>
                  Delete<span class="visually-hidden"> {titleOf(a)}</span>
                </a>
              </p>
            </li>
          ))}
        </ul>
      )}
      {addresses.length < props.max ? (
        <p>
          <a class="button" href="/account/addresses/new">
            Add an address
          </a>
        </p>
      ) : (
        <p>You have saved {props.max} addresses, the most an account can keep. Delete one to add another.</p>
      )}
      <BackToAccount />
    </AccountShell>
  );
}

export function AddressFormPage(props: FormPageProps & { action: string; title: string; submit: string; values: AddressFormValues }) {
  const v = props.values;
  const value = (s: string | null | undefined) => s ?? '';
  const defaultCountry = new Intl.Locale(props.ctx.locale).region ?? '';
  const countries = countryOptions(props.ctx.locale).map((c) => ({ value: c.code, label: c.name }));
  return (
    <AccountShell ctx={props.ctx} title={props.title} errors={props.errors}>
      <h1>{props.title}</h1>
      <PostForm action={props.action} csrf={props.csrf} novalidate>
        <Field name="label" label="Label (optional)" hint="Like Home or Work, to tell your addresses apart." autocomplete="off" value={value(v.label)} errors={props.errors} />
        <Field name="name" label="Full name" hint="Of the person who receives the parcel." autocomplete="name" spellcheck={false} value={value(v.name)} errors={props.errors} />
        <Field name="line1" label="Address line 1" autocomplete="address-line1" value={value(v.line1)} errors={props.errors} />
        <Field name="line2" label="Address line 2 (optional)" autocomplete="address-line2" value={value(v.line2)} errors={props.errors} />
        <Field name="city" label="Town or city" autocomplete="address-level2" value={value(v.city)} errors={props.errors} />
        <Field name="region" label="County, state or region (optional)" autocomplete="address-level1" value={value(v.region)} errors={props.errors} />
        <Field name="postalCode" label="Postcode or ZIP code" autocomplete="postal-code" spellcheck={false} maxLength={20} value={value(v.postalCode)} errors={props.errors} />
        <SelectField name="country" label="Country" autocomplete="country" value={value(v.country ?? defaultCountry)} placeholder="Select a country" options={countries} errors={props.errors} />
        <Field name="phone" label="Phone number (optional)" hint="For the courier, if they need to reach you." type="tel" inputMode="tel" autocomplete="tel" value={value(v.phone)} errors={props.errors} />
        <Checkboxes legend="Defaults">
          <Checkbox name="isDefaultShipping" label="Use as my default delivery address" checked={v.isDefaultShipping ?? false} />
          <Checkbox name="isDefaultBilling" label="Use as my default billing address" checked={v.isDefaultBilling ?? false} />
        </Checkboxes>
        <button class="button" type="submit">
          {props.submit}
        </button>
      </PostForm>
      <p class="form-links">
        <a href="/account/addresses">Cancel</a>
      </p>
    </AccountShell>
  );
}

/** Deleting is behind this page: it shows what goes and asks once more. */
export function DeleteAddressPage(props: FormPageProps & { address: Address }) {
  return (
    <AccountShell ctx={props.ctx} title="Delete this address?">
      <h1>Delete this address?</h1>
      <div class="address-card">
        {props.address.label ? <h2 class="address-card__title">{props.address.label}</h2> : null}
        <AddressLines ctx={props.ctx} address={props.address} />
      </div>
      <p>Orders already sent to it keep their copy of the address.</p>
      <div class="button-row">
        <PostForm action={`/account/addresses/${props.address.id}/delete`} csrf={props.csrf}>
          <button class="button button--danger" type="submit">
            Delete address
          </button>
        </PostForm>
        <a class="button button--secondary" href="/account/addresses">
          Keep it
        </a>
      </div>
    </AccountShell>
  );
}

export function DeleteAccountPage(props: FormPageProps & { mfaEnabled: boolean; /** False for an account without a password: it re-authenticated before this page. */ password: boolean }) {
  return (
    <AccountShell ctx={props.ctx} title="Delete your account" errors={props.errors}>
      <h1>Delete your account</h1>
      <div class="notice notice--warning">
        <p>
          <strong>This cannot be undone.</strong>
        </p>
      </div>
      <p>Deleting your account:</p>
      <ul class="steps">
        <li>deletes your details, saved addresses, sign-in details and two-step verification;</li>
        <li>signs you out on every device;</li>
        <li>keeps past orders only as the law requires (for invoices and tax), without your name or contact details.</li>
      </ul>
      <p>
        You may want to <a href="/api/v1/me/export">download your data</a> first.
      </p>
      <PostForm action="/account/delete" csrf={props.csrf} novalidate>
        {props.password ? (
          <Field name="password" label="Your password" hint="To check it is you." type="password" autocomplete="current-password" errors={props.errors} />
        ) : null}
        {props.password && props.mfaEnabled ? (
          <Field
            name="code"
            label="Code from your authenticator app"
            hint="The 6-digit code the app shows now, or one of your recovery codes."
            autocomplete="one-time-code"
            spellcheck={false}
            autoCapitalize="none"
            errors={props.errors}
          />
        ) : null}
        <button class="button button--danger" type="submit">
          Delete my account
        </button>
      </PostForm>
      <BackToAccount />
    </AccountShell>
  );
}
