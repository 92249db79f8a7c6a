import { paymentOrigins, type PaymentDirective, type PaymentProvider } from './payment-origins.js';

export interface CspOptions {
  /** Payment providers whose origins this page may load (checkout payment step only). */
  payments?: readonly PaymentProvider[];
  /** Served over HTTPS: ask the browser to upgrade any http: subresource. */
  secure?: boolean;
  /**
   * Replaces `script-src 'self'` with exactly these sources (payment pages: each allowed script's hash and
   * exact URL, payment-pages.ts); the providers' script origins are added after them.
   */
  scripts?: readonly string[];
}

/** Where browsers send violation reports (report-uri for older browsers, report-to for the Reporting API). */
export const cspReportPath = '/csp-report';
export const reportingEndpoints = `csp="${cspReportPath}"`;


/**
 * The Content-Security-Policy of an HTML page. Same-origin only, no inline script or style (pages have
 * none: a `style=` attribute or inline `<script>` is a bug the CSP will report), no plugins, no <base>
 * rewriting, no framing by anyone (clickjacking), forms post only to us. The only scripts are our own
 * content-hashed files under /assets/, and nothing else on our origin is executable as script (JSON
 * and images are served with nosniff). Payment pages name their scripts exactly instead of 'self' and add
 * exactly their providers' origins (payment-pages.ts).
 *
 * @example cspFor({ payments: ['stripe'], secure: true })
 */
export function cspFor(options: CspOptions = {}): string {
  const extra = (directive: PaymentDirective): string[] =>
    [...new Set((options.payments ?? []).flatMap((p) => (paymentOrigins[p] as Partial<Record<PaymentDirective, readonly string[]>>)[directive] ?? []))];
  const frames = extra('frame-src');
  const scripts = [...(options.scripts ?? ["'self'"]), ...extra('script-src')];
  const parts = [
    "default-src 'self'",
    `script-src ${scripts.length > 0 ? scripts.join(' ') : "'none'"}`,
    "style-src 'self'",
    ["img-src 'self' data:", ...extra('img-src')].join(' '),
    "font-src 'self'",
    ["connect-src 'self'", ...extra('connect-src')].join(' '),
    frames.length > 0 ? `frame-src ${frames.join(' ')}` : "frame-src 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    ["form-action 'self'", ...extra('form-action')].join(' '),
    "frame-ancestors 'none'",
    ...(options.secure ? ['upgrade-insecure-requests'] : []),
    `report-uri ${cspReportPath}`,
    'report-to csp',
  ];
  return parts.join('; ');
}

/** The policy of everything that is not a page (JSON, images, CSS): nothing may run or be framed. */
export const nonPageCsp = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

const denied = [
  'accelerometer', 'autoplay', 'bluetooth', 'camera', 'display-capture', 'geolocation', 'gyroscope', 'hid',
  'magnetometer', 'microphone', 'midi', 'screen-wake-lock', 'serial', 'usb', 'xr-spatial-tracking',
];

/** Permissions-Policy: powerful features off; Payment Request for us (and a payment page's provider frame). */
export function permissionsPolicyFor(options: Pick<CspOptions, 'payments'> = {}): string {
  const payment = [...new Set((options.payments ?? []).flatMap((p) => (paymentOrigins[p] as { payment?: readonly string[] }).payment ?? []))];
  return [...denied.map((f) => `${f}=()`), `payment=(self${payment.map((o) => ` "${o}"`).join('')})`].join(', ');
}
