// Choice controls (a select list, checkboxes, radios) in the GOV.UK pattern of fields.tsx: label or
// legend first, hint and inline error tied to the control by aria-describedby.
import type { ComponentChildren } from 'preact';
import { FieldFrame, type FormError } from './fields.js';

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

/**
 * GOV.UK "radios": one question as a fieldset whose legend is the question; each choice a large target
 * with an optional hint and a trailing note (a price). The inline error is tied to the fieldset.
 */
export function Radios(props: {
  name: string;
  legend: string;
  hint?: string;
  value: string | null;
  options: { value: string; label: string; hint?: string; aside?: string }[];
  errors?: FormError[] | undefined;
}) {
  const error = props.errors?.find((e) => e.field === props.name);
  const described = [props.hint ? `${props.name}-hint` : undefined, error ? `${props.name}-error` : undefined].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <fieldset class="fieldset" {...(described ? { 'aria-describedby': described } : {})}>
        <legend class="field__label">{props.legend}</legend>
        {props.hint ? (
          <p class="field__hint" id={`${props.name}-hint`}>
            {props.hint}
          </p>
        ) : null}
        {error ? (
          <p class="field__error" id={`${props.name}-error`}>
            <span class="visually-hidden">Error: </span>
            {error.message}
          </p>
        ) : null}
        <div class="radios">
          {props.options.map((o, i) => {
            // The first choice carries the question's id, so the error summary's link lands on it.
            const id = i === 0 ? props.name : `${props.name}-${i + 1}`;
            return (
              <div class="radio" key={o.value}>
                <input
                  class="radio__input"
                  type="radio"
                  id={id}
                  name={props.name}
                  value={o.value}
                  checked={o.value === props.value}
                  {...(o.hint ? { 'aria-describedby': `${id}-hint` } : {})}
                />
                <label class="radio__label" for={id}>
                  <span class="radio__text">{o.label}</span>
                  {o.aside ? <span class="radio__aside tabular">{o.aside}</span> : null}
                  {o.hint ? (
                    <span class="radio__hint" id={`${id}-hint`}>
                      {o.hint}
                    </span>
                  ) : null}
                </label>
              </div>
            );
          })}
        </div>
      </fieldset>
    </div>
  );
}
