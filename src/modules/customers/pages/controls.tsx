// Form controls the auth pages do not need (a select list, checkboxes), in the same GOV.UK pattern as
// src/modules/auth/pages/forms.tsx: label first, hint and inline error tied by aria-describedby.
import type { ComponentChildren } from 'preact';
import type { FormError } from '../../auth/pages/forms.js';

/** A labelled select list with its hint and inline error. */
export function SelectField(props: {
  name: string;
  label: string;
  hint?: string;
  autocomplete: string;
  value: string;
  options: { value: string; label: string }[];
  /** The first, empty choice shown while nothing is chosen. */
  placeholder?: string;
  errors?: FormError[] | undefined;
}) {
  const id = props.name;
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
      <select
        class="field__input field__select"
        id={id}
        name={props.name}
        autocomplete={props.autocomplete}
        {...(described ? { 'aria-describedby': described } : {})}
        {...(error ? { 'aria-invalid': 'true' } : {})}
      >
        {props.placeholder !== undefined && props.value === '' ? <option value="">{props.placeholder}</option> : null}
        {props.options.map((o) => (
          <option key={o.value} value={o.value} selected={o.value === props.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A group of checkboxes under one legend (GOV.UK "checkboxes"). */
export function Checkboxes({ legend, children }: { legend: string; children: ComponentChildren }) {
  return (
    <fieldset class="field fieldset">
      <legend class="field__label">{legend}</legend>
      {children}
    </fieldset>
  );
}

/** One checkbox; a ticked box posts `name=yes`, an unticked one posts nothing. */
export function Checkbox(props: { name: string; label: string; checked: boolean; hint?: string }) {
  return (
    <div class="checkbox">
      <input
        class="checkbox__input"
        type="checkbox"
        id={props.name}
        name={props.name}
        value="yes"
        checked={props.checked}
        {...(props.hint ? { 'aria-describedby': `${props.name}-hint` } : {})}
      />
      <label class="checkbox__label" for={props.name}>
        {props.label}
        {props.hint ? (
          <span class="checkbox__hint" id={`${props.name}-hint`}>
            {props.hint}
          </span>
        ) : null}
      </label>
    </div>
  );
}
