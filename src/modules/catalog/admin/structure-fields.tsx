import { FieldFrame, type FormError } from '../../../web/forms/fields.js';

/** A labelled text input for the catalog's admin forms, its hint and error tied to it. */
export function TextField(props: { id: string; label: string; hint?: string; value: string; errors: FormError[]; maxLength?: number; code?: boolean }) {
  return (
    <FieldFrame
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) => (
        <input
          class={props.code ? 'field__input field__input--code' : 'field__input'}
          id={props.id}
          name={props.id}
          type="text"
          autocomplete="off"
          value={props.value}
          {...(props.maxLength ? { maxLength: props.maxLength } : {})}
          {...aria}
        />
      )}
    />
  );
}

/** A labelled text area (Markdown descriptions, lists of products). */
export function TextArea(props: { id: string; label: string; hint?: string; value: string; errors: FormError[]; rows?: number }) {
  return (
    <FieldFrame
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) => (
        <textarea class="field__input field__textarea" id={props.id} name={props.id} rows={props.rows ?? 6} {...aria}>
          {props.value}
        </textarea>
      )}
    />
  );
}

/** A labelled select. */
export function SelectField(props: { id: string; label: string; hint?: string; value: string; options: readonly { value: string; label: string }[]; errors: FormError[] }) {
  return (
    <FieldFrame
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) => (
        <select class="field__select" id={props.id} name={props.id} {...aria}>
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
