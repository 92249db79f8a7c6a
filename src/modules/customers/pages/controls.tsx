// Form controls the auth pages do not need (a select list, checkboxes), in the same GOV.UK pattern as
// src/modules/auth/pages/forms.tsx: label first, hint and inline error tied by aria-describedby.
import type { ComponentChildren } from 'preact';
import { FieldFrame, type FormError } from '../../../web/forms/fields.js';

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
  return (
    <FieldFrame
      id={props.name}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) => (
        <select class="field__input field__select" id={props.name} name={props.name} autocomplete={props.autocomplete} {...aria}>
          {props.placeholder !== undefined && props.value === '' ? <option value="">{props.placeholder}</option> : null}
          {props.options.map((o) => (
            <option key={o.value} value={o.value} selected={o.value === props.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    />
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
