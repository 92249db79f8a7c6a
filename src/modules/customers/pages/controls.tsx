// The select list and checkboxes now live in the forms kit, shared with the checkout.
export { Checkbox, Checkboxes, SelectField } from '../../../web/forms/choices.js';
