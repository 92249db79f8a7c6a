import type { FastifyInstance } from 'fastify';
import { cspReportPath } from './csp.js';
import { isPaymentPagePath } from './payment-pages.js';
import { jsonShapeProblem } from './request-limits.js';
import type { SecurityMetrics } from './security-metrics.js';

const knownDirectives = new Set([
  'default-src', 'script-src', 'script-src-elem', 'script-src-attr', 'style-src', 'style-src-elem', 'style-src-attr',
  'img-src', 'font-src', 'connect-src', 'frame-src', 'child-src', 'worker-src', 'manifest-src', 'media-src',
  'object-src', 'base-uri', 'form-action', 'frame-ancestors', 'require-trusted-types-for', 'trusted-types',
]);
const maxReportsPerBody = 10;

interface Violation {
  directive: string;
  blocked: string;
  documentPath: string;
  sourceFile: string | undefined;
  line: number | undefined;
  disposition: string | undefined;
  /** The document is a payment page (payment-pages.ts). */
  paymentPage: boolean;
}

/**
 * POST /csp-report: browsers report CSP violations here, as `application/csp-report` (report-uri) or
 * `application/reports+json` (the Reporting API's report-to). Each violation is logged at warn and
 * counted in `csp_violations_total{directive}`; the answer is always 204. Bodies over 8 KB are refused,
 * the `csp-report` rate-limit rule caps each client, and only origins and paths are logged: a violation's
 * URLs may carry query-string tokens. A violation on a payment page (its document's path under /checkout
 * or /pay/) is logged at error and counted again in `payment_page_csp_violations_total`, which raises the
 * PaymentPageCspViolations alarm: on those pages a blocked script may be a skimmer. Anyone may post a
 * report, so the alarm asks a person to look; it proves nothing by itself.
 */
export function registerCspReports(app: FastifyInstance, options: { metrics: SecurityMetrics }): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  // Only this route reads these two content types (other routes' schemas would refuse their bodies).
  for (const type of ['application/csp-report', 'application/reports+json']) {
    app.addContentTypeParser(type, { parseAs: 'string', bodyLimit: 8192 }, (request, body, done) => {
      if (jsonShapeProblem(body as string, 6, 200) !== undefined) {
        done(Object.assign(new Error('The report is not shaped like a CSP report.'), { statusCode: 400 }), undefined);
        return;
      }
      void parseJson(request, body as string, done);
    });
  }
  app.post(cspReportPath, { bodyLimit: 8192, logLevel: 'warn', schema: { hide: true } }, async (request, reply) => {
    for (const v of violationsIn(request.body).slice(0, maxReportsPerBody)) {
      const { paymentPage, ...logged } = v;
      const directive = knownDirectives.has(v.directive) ? v.directive : 'other';
      options.metrics.cspViolation(directive);
      if (paymentPage) {
        options.metrics.paymentPageCspViolation(directive);
        request.log.error({ csp: logged }, 'CSP violation reported on a payment page');
      } else {
        request.log.warn({ csp: logged }, 'CSP violation reported');
      }
    }
    return reply.code(204).send();
  });
}

function violationsIn(body: unknown): Violation[] {
  if (Array.isArray(body)) {
    return body.flatMap((r: unknown) => {
      if (!isRecord(r) || r.type !== 'csp-violation' || !isRecord(r.body)) return [];
      const b = r.body;
      return [violation(b.effectiveDirective, b.blockedURL, b.documentURL ?? r.url, b.sourceFile, b.lineNumber, b.disposition)];
    });
  }
  if (isRecord(body) && isRecord(body['csp-report'])) {
    const b = body['csp-report'];
    return [violation(b['effective-directive'] ?? b['violated-directive'], b['blocked-uri'], b['document-uri'], b['source-file'], b['line-number'], b.disposition)];
  }
  return [];
}

function violation(directive: unknown, blocked: unknown, document: unknown, source: unknown, line: unknown, disposition: unknown): Violation {
  const documentPath = pathOnly(document);
  return {
    directive: typeof directive === 'string' ? (directive.split(' ')[0] ?? '').slice(0, 40) : 'unknown',
    blocked: originOnly(blocked),
    documentPath,
    sourceFile: typeof source === 'string' ? pathOnly(source) : undefined,
    line: typeof line === 'number' && Number.isInteger(line) ? line : undefined,
    disposition: disposition === 'enforce' || disposition === 'report' ? disposition : undefined,
    paymentPage: isPaymentPagePath(pathnameOf(documentPath)),
  };
}

/** `inline`, `eval` and friends stay as they are; a URL is cut to its origin. */
function originOnly(value: unknown): string {
  if (typeof value !== 'string') return 'unknown';
  try {
    return new URL(value).origin;
  } catch {
    return value.slice(0, 40);
  }
}

/** The path of a document URL (absolute, or a path already), for the payment-page scope. */
function pathnameOf(documentPath: string): string {
  try {
    return new URL(documentPath).pathname;
  } catch {
    return documentPath;
  }
}

function pathOnly(value: unknown): string {
  if (typeof value !== 'string') return 'unknown';
  try {
    const u = new URL(value);
    return `${u.origin}${u.pathname}`.slice(0, 200);
  } catch {
    return value.split('?')[0]!.slice(0, 200);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
