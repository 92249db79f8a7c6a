import { nonPageCsp, permissionsPolicyFor, reportingEndpoints } from '../../http/csp.js';
import type { PaymentProvider } from '../../http/payment-origins.js';
import { paymentPageCsp } from '../../http/payment-pages.js';
import { hstsValue } from '../../http/security-headers.js';
import { pageIntegrityUnreachable } from './page-integrity.errors.js';
import { subresourceIntegrity, type InventoryScript, type ScriptInventory } from '../../web/script-inventory.js';

/** What kind of difference between a served page and the inventory was found. */
export type DifferenceKind =
  /** A security header is missing or not the value the inventory and configuration give. */
  | 'header'
  /** A <script> with code in it: the CSP forbids inline script, so it is never ours. */
  | 'inline-script'
  /** A <script src> the inventory does not list (for the configured providers). */
  | 'unknown-script'
  /** Our own script's tag has no integrity, or another one than the inventory's. */
  | 'integrity'
  /** Our own script's served bytes are not the inventory's (or it is not served at all). */
  | 'script-changed';

export interface PageDifference {
  /** The page's path, or the script's for a changed script. */
  page: string;
  kind: DifferenceKind;
  /** What was expected and what was found (no query strings: a page URL may carry a token). */
  detail: string;
}

export interface PageIntegrityReport {
  /** Where the pages were fetched. */
  baseUrl: string;
  checkedAt: Date;
  pages: { path: string; status: number; scripts: string[] }[];
  /** Empty when every page matched the inventory. */
  differences: PageDifference[];
}

export interface VerifyOptions {
  /** Where to fetch the pages (PAGE_INTEGRITY_URL, default PUBLIC_URL). */
  baseUrl: string;
  /** PUBLIC_URL: the origin the payment pages' CSP names our scripts on. */
  publicUrl: string;
  /** The payment pages to fetch, by path. */
  pages: readonly string[];
  inventory: ScriptInventory;
  /** The shop's providers (PAYMENTS): a provider's scripts are expected only when it is configured. */
  providers: readonly PaymentProvider[];
  fetch?: typeof fetch;
  now?: () => Date;
}

/** What a browser sends; the check must see what a shopper gets, CDN and all. */
const browserHeaders = {
  accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8',
  'user-agent': 'Mozilla/5.0 (compatible; BastionPageIntegrity/1.0)',
};

/** Script types a browser runs; any other (`application/ld+json`) is a data block. */
const executableTypes = new Set(['', 'text/javascript', 'application/javascript', 'module']);

/**
 * PCI DSS 11.6.1's check: fetches each payment page over HTTP as a browser would, and compares its
 * security headers and its set of script tags (src and integrity) with what the committed inventory and
 * the configuration allow; then fetches our own payment-page scripts and compares their bytes with the
 * inventory's sha384. Throws PAGE_INTEGRITY_UNREACHABLE when a page cannot be fetched at all.
 */
export async function verifyPaymentPages(options: VerifyOptions): Promise<PageIntegrityReport> {
  const fetchFn = options.fetch ?? fetch;
  const base = new URL(options.baseUrl);
  const secure = base.protocol === 'https:';
  const allowed = options.inventory.paymentPageScripts.filter(
    (s) => s.providers === undefined || s.providers.some((p) => (options.providers as readonly string[]).includes(p)),
  );
  const own = allowed.filter((s): s is InventoryScript & { integrity: string } => s.src.startsWith('/') && s.integrity !== null);
  const thirdParty = new Set(allowed.filter((s) => !s.src.startsWith('/')).map((s) => s.src));
  const expectedPage: Record<string, string> = {
    'content-security-policy': paymentPageCsp({
      origin: new URL(options.publicUrl).origin,
      scripts: own.map((s) => ({ path: s.src, integrity: s.integrity })),
      providers: options.providers,
      secure,
    }),
    'permissions-policy': permissionsPolicyFor({ payments: options.providers }),
    'reporting-endpoints': reportingEndpoints,
    ...commonHeaders(secure),
  };
  const expectedOther: Record<string, string> = { 'content-security-policy': nonPageCsp, 'permissions-policy': permissionsPolicyFor(), ...commonHeaders(secure) };

  const differences: PageDifference[] = [];
  const pages: PageIntegrityReport['pages'] = [];
  for (const path of options.pages) {
    const res = await get(fetchFn, new URL(path, base), 'manual');
    const html = (res.headers.get('content-type') ?? '').startsWith('text/html');
    const body = html ? await res.text() : (await res.arrayBuffer(), '');
    for (const [name, value] of Object.entries(html ? expectedPage : expectedOther)) {
      const got = res.headers.get(name);
      if (got !== value) differences.push({ page: path, kind: 'header', detail: `${name}: expected "${value}", got ${got === null ? 'none' : `"${got}"`}` });
    }
    const scripts: string[] = [];
    for (const tag of scriptTags(body)) {
      const type = (tag.type ?? '').trim().toLowerCase();
      if (!executableTypes.has(type)) continue;
      if (tag.src === undefined) {
        differences.push({ page: path, kind: 'inline-script', detail: 'a <script> with inline code' });
        continue;
      }
      const url = new URL(tag.src, new URL(path, base));
      const sameOrigin = url.origin === base.origin || url.origin === new URL(options.publicUrl).origin;
      const src = sameOrigin ? url.pathname : `${url.origin}${url.pathname}`;
      scripts.push(src);
      if (sameOrigin) {
        const known = own.find((s) => s.src === url.pathname);
        if (!known) differences.push({ page: path, kind: 'unknown-script', detail: `${src} is not in the inventory` });
        else if (tag.integrity !== known.integrity) {
          differences.push({ page: path, kind: 'integrity', detail: `${src}: expected integrity "${known.integrity}", got ${tag.integrity === undefined ? 'none' : `"${tag.integrity}"`}` });
        }
      } else if (!thirdParty.has(url.href)) {
        differences.push({ page: path, kind: 'unknown-script', detail: `${src} is not in the inventory` });
      }
    }
    pages.push({ path, status: res.status, scripts });
  }
  for (const script of own) {
    const res = await get(fetchFn, new URL(script.src, base), 'follow');
    const bytes = Buffer.from(await res.arrayBuffer());
    if (res.status !== 200) differences.push({ page: script.src, kind: 'script-changed', detail: `answered ${res.status}, not the script` });
    else if (subresourceIntegrity(bytes) !== script.integrity) {
      differences.push({ page: script.src, kind: 'script-changed', detail: `served bytes hash to ${subresourceIntegrity(bytes)}, the inventory says ${script.integrity}` });
    }
  }
  return { baseUrl: base.origin, checkedAt: (options.now ?? (() => new Date()))(), pages, differences };
}

function commonHeaders(secure: boolean): Record<string, string> {
  return {
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    ...(secure ? { 'strict-transport-security': hstsValue } : {}),
  };
}

async function get(fetchFn: typeof fetch, url: URL, redirect: 'manual' | 'follow'): Promise<Response> {
  try {
    return await fetchFn(url, { headers: browserHeaders, redirect, signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw pageIntegrityUnreachable(`${url.origin}${url.pathname}`, err);
  }
}

/** The attributes of every <script> start tag in a page (our pages are server-rendered, well-formed HTML). */
export function scriptTags(html: string): { src?: string; integrity?: string; type?: string }[] {
  const tags: { src?: string; integrity?: string; type?: string }[] = [];
  for (const match of html.matchAll(/<script\b([^>]*)>/gi)) {
    const attributes: Record<string, string> = {};
    for (const a of (match[1] ?? '').matchAll(/([^\s"'<>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g)) {
      attributes[a[1]!.toLowerCase()] = decodeEntities(a[2] ?? a[3] ?? a[4] ?? '');
    }
    tags.push({
      ...(attributes.src !== undefined ? { src: attributes.src } : {}),
      ...(attributes.integrity !== undefined ? { integrity: attributes.integrity } : {}),
      ...(attributes.type !== undefined ? { type: attributes.type } : {}),
    });
  }
  return tags;
}

function decodeEntities(value: string): string {
  return value.replace(/&(amp|quot|#39|#x27|lt|gt);/g, (_m, e: string) => ({ amp: '&', quot: '"', '#39': "'", '#x27': "'", lt: '<', gt: '>' })[e] ?? '');
}
