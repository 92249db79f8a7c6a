import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/**
 * The inventory of the scripts payment pages may load (PCI DSS v4.0.1 requirement 6.4.3): generated from
 * the code by `npm run scripts:inventory` (scripts/script-inventory.ts, also run by `npm run build`) into
 * script-inventory.json beside this file, committed, and checked by a test against what the code
 * produces. The tamper check (src/modules/page-integrity) compares the served pages against it.
 */
export interface ScriptInventory {
  /** What the file is, for a reader who finds it on its own. */
  about: string;
  /** The payment pages, by path (src/http/payment-pages.ts). */
  scope: readonly string[];
  /** Every script a payment page may load, and nothing else. */
  paymentPageScripts: readonly InventoryScript[];
  /** The app's other scripts: served elsewhere, never allowed on a payment page. */
  otherScripts: readonly InventoryScript[];
}

export interface InventoryScript {
  /** What the <script src> names: a hashed /assets/ path for our own files, a full URL for a provider's. */
  src: string;
  /** Where it comes from: a repository path, a package, or the provider that serves it. */
  source: string;
  /** Why it is there. */
  purpose: string;
  /** The tag's Subresource Integrity value (sha384 of the served bytes), or null when the source allows none. */
  integrity: string | null;
  /** Why there is no integrity value. */
  noIntegrityReason?: string;
  /** How a payment page's CSP allows it (absent for scripts never allowed there). */
  allowedBy?: string;
  /** Only with these payment providers configured (PAYMENTS). */
  providers?: readonly string[];
}

/** `sha384-<base64>` of the bytes: an `integrity` attribute's value and a CSP hash source's. */
export function subresourceIntegrity(bytes: Buffer | string): string {
  return `sha384-${createHash('sha384').update(bytes).digest('base64')}`;
}

/** What a client script's leading comment says about it. */
export interface ScriptHeader {
  /** The first sentence of the leading `//` comment. */
  purpose: string;
  /** The comment has a `// @payment-page` line: the script may be loaded on payment pages. */
  paymentPage: boolean;
  /** `// @payment-page (stripe)`: only when these payment providers are configured (PAYMENTS). */
  providers?: string[];
}

/**
 * Reads the leading `//` comment of a script under src/web/scripts: its first sentence is the script's
 * purpose; a line `// @payment-page` (with an optional reason after it) allows it on payment pages, and
 * `// @payment-page (stripe)` only when that provider is configured.
 * Returns undefined when the script starts without a comment.
 */
export function scriptHeader(source: string): ScriptHeader | undefined {
  const lines: string[] = [];
  for (const line of source.split('\n')) {
    const match = /^\s*\/\/ ?(.*)$/.exec(line);
    if (!match) break;
    lines.push(match[1]!.trimEnd());
  }
  const mark = lines.map((l) => /^@payment-page\b\s*(?:\(([a-z, ]+)\))?/.exec(l)).find((m) => m !== null);
  const paymentPage = mark !== undefined;
  const providers = mark?.[1]?.split(',').map((p) => p.trim()).filter((p) => p !== '');
  const prose = lines.filter((l) => !l.startsWith('@'));
  const end = prose.indexOf('');
  const paragraph = (end === -1 ? prose : prose.slice(0, end)).join(' ').replace(/\s+/g, ' ').trim();
  const purpose = /^(.+?\.)(?=\s+[A-Z(]|$)/.exec(paragraph)?.[1] ?? paragraph;
  if (purpose === '') return undefined;
  return providers && providers.length > 0 ? { purpose, paymentPage, providers } : { purpose, paymentPage };
}

/** The committed inventory file (copied beside the compiled code by `npm run build`). */
export const scriptInventoryFile = new URL('script-inventory.json', import.meta.url);

/** Reads the committed inventory. */
export function readScriptInventory(file: URL = scriptInventoryFile): ScriptInventory {
  return JSON.parse(readFileSync(file, 'utf8')) as ScriptInventory;
}
