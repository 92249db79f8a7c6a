import { csrfFieldName } from '../../http/csrf.js';

/**
 * The hidden CSRF token every POST form carries. Get the token from `csrf.token(request)` (BuiltApp's
 * `security.csrf`) in the route and pass it down with the page's props.
 */
export function CsrfField({ token }: { token: string }) {
  return <input type="hidden" name={csrfFieldName} value={token} />;
}
