import { FormBrowser } from '../support/form-browser.js';
import type { SignedInStaff } from '../support/staff.js';
import type { TestApp } from '../support/test-app.js';

/** A form browser holding a signed-in staff member's session. */
export function browserOf(t: TestApp, staff: SignedInStaff): FormBrowser {
  const b = new FormBrowser(t.app);
  for (const pair of staff.cookie.split(/;\s*/)) {
    const eq = pair.indexOf('=');
    if (eq > 0) b.cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return b;
}

/** The visible text of an HTML page, tags dropped and white space collapsed, for assertions on wording. */
export function textOf(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}
