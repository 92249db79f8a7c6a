// The input's attributes are assembled as data, which preact's JSX types (keyed by input type) cannot follow.
import { h, type ComponentChildren } from 'preact';
import { CsrfField } from './csrf-field.js';
import { Layout } from '../layout.js';
import type { PageContext } from '../page-context.js';

/** One problem with a form, tied to the field it is about (or to none). */
export interface FormError {
  field?: string;
  message: string;
}

/** GOV.UK's error summary: first in the page, focusable, each message a link to its field. */
export function ErrorSummary({ errors }: { errors: FormError[] }) {
  if (errors.length === 0) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title" tabIndex={-1}>
      <h2 id="error-summary-title" class="error-summary__title">
        There is a problem
      </h2>
      <ul class="error-summary__list">
        {errors.map((e) => (
          <li key={`${e.field ?? ''}${e.message}`}>{e.field ? <a href={`#${e.field}`}>{e.message}</a> : e.message}</li>
        ))}
      </ul>
    </div>
  );
}

export interface FieldProps {
  name: string;
  label: string;
  hint?: string;
  type?: 'text' | 'email' | 'password' | 'tel';
  autocomplete: string;
  value?: string;
  errors?: FormError[];
  inputMode?: 'numeric' | 'email' | 'text' | 'tel';
  maxLength?: number;
  spellcheck?: boolean;
  autoCapitalize?: 'none' | 'off';
}

/**
 * The GOV.UK frame of one control: label, hint and inline error. `control` gets the attributes that tie
 * the hint and error to it (aria-describedby, aria-invalid); every kind of control uses this frame.
 */
export function FieldFrame(props: {
  id: string;
  label: string;
  hint?: string | undefined;
  errors?: FormError[] | undefined;
  control: (aria: { 'aria-describedby'?: string; 'aria-invalid'?: 'true' }) => ComponentChildren;
}) {
  const { id } = props;
  const error = props.errors?.find((e) => e.field === id);
  const described = [props.hint ? `${id}-hint` : undefined, error ? `${id}-error` : undefined].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={id}>
        {props.label}
      </label>
      {props.hint ? (
        <p class="field__hint" id={`${id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="field__error" id={`${id}-error`}>
          <span class="visually-hidden">Error: </span>
          {error.message}
        </p>
      ) : null}
      {props.control({ ...(described ? { 'aria-describedby': described } : {}), ...(error ? { 'aria-invalid': 'true' as const } : {}) })}
    </div>
  );
}

/** A labelled input with its hint and inline error, both tied to it by aria-describedby. */
export function Field(props: FieldProps) {
  return (
    <FieldFrame
      id={props.name}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) =>
        h('input', {
          // A short code gets a short box: the width hints at what to type.
          class: props.maxLength !== undefined && props.maxLength <= 8 ? 'field__input field__input--code' : 'field__input',
          id: props.name,
          name: props.name,
          type: props.type ?? 'text',
          autocomplete: props.autocomplete,
          value: props.value ?? '',
          ...aria,
          ...(props.inputMode ? { inputMode: props.inputMode } : {}),
          ...(props.maxLength ? { maxLength: props.maxLength } : {}),
          ...(props.spellcheck === false ? { spellcheck: false } : {}),
          ...(props.autoCapitalize ? { autoCapitalize: props.autoCapitalize } : {}),
        })
      }
    />
  );
}

/** A POST form carrying the CSRF token. */
export function PostForm({ action, csrf, children, novalidate }: { action: string; csrf: string; children: ComponentChildren; novalidate?: boolean }) {
  return (
    <form method="post" action={action} class="form" {...(novalidate ? { noValidate: true } : {})}>
      <CsrfField token={csrf} />
      {children}
    </form>
  );
}

/** The narrow, single-column shell of the account pages; the title gets "Error: " when the form has errors. */
export function AccountShell(props: { ctx: PageContext; title: string; errors?: FormError[]; scripts?: readonly string[]; children: ComponentChildren }) {
  const hasErrors = (props.errors?.length ?? 0) > 0;
  return (
    <Layout ctx={props.ctx} title={hasErrors ? `Error: ${props.title}` : props.title} {...(props.scripts ? { scripts: props.scripts } : {})}>
      <div class="container account-form section">
        <ErrorSummary errors={props.errors ?? []} />
        {props.children}
      </div>
    </Layout>
  );
}

export function Notice({ children }: { children: ComponentChildren }) {
  return (
    <div class="notice notice--success" role="status">
      {children}
    </div>
  );
}
