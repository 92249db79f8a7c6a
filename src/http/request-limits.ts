import type { FastifyInstance } from 'fastify';
import { sendProblem } from './problem.js';
import { formTooManyFields, jsonTooDeep, jsonTooManyKeys } from './security-errors.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface RequestLimitOptions {
  maxUrlLength: number;
  jsonMaxDepth: number;
  jsonMaxKeys: number;
  /** Most fields an HTML form body may carry. */
  formMaxFields?: number;
  /** Largest form body; forms are small (uploads, when they come, get their own route and limit). */
  formBodyLimit?: number;
  metrics: SecurityMetrics;
}

/**
 * Finds the first way a JSON text breaks the shape limits, in one pass over the characters and before
 * any object is built, so a 100 KB body of `[[[[...` or of 50,000 tiny keys costs a scan, not a parse.
 * Counting `:` outside strings counts object members exactly in valid JSON; invalid JSON fails to parse later.
 */
export function jsonShapeProblem(text: string, maxDepth: number, maxKeys: number): 'too_deep' | 'too_many_keys' | undefined {
  let depth = 0;
  let keys = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
      continue;
    }
    if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return 'too_deep';
    } else if (c === 0x7d || c === 0x5d) depth--;
    else if (c === 0x3a && ++keys > maxKeys) return 'too_many_keys';
  }
  return undefined;
}

/**
 * Request limits, the in-app side of a WAF: URL length (414), JSON depth and key count (400), form field
 * count, and counting of oversized bodies (413, enforced by Fastify's per-route bodyLimit). Header size
 * (431) is enforced by Node's HTTP parser through MAX_HEADER_BYTES (server-options.ts).
 *
 * The JSON parser is Fastify's own (secure-json-parse, refusing `__proto__` and `constructor.prototype`)
 * behind the shape check, so prototype-poisoning protection and the error codes stay exactly as before.
 */
export function registerRequestLimits(app: FastifyInstance, options: RequestLimitOptions): void {
  const { metrics } = options;
  const formMaxFields = options.formMaxFields ?? 256;

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.length > options.maxUrlLength) {
      metrics.blocked('url_too_long');
      return sendProblem(request, reply, {
        status: 414,
        code: 'URI_TOO_LONG',
        title: 'URI Too Long',
        detail: `The URL is longer than ${options.maxUrlLength} characters.`,
      });
    }
    return undefined;
  });

  const defaultJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body as string;
    const problem = jsonShapeProblem(text, options.jsonMaxDepth, options.jsonMaxKeys);
    if (problem === 'too_deep') {
      metrics.blocked('json_too_deep');
      done(jsonTooDeep(options.jsonMaxDepth), undefined);
      return;
    }
    if (problem === 'too_many_keys') {
      metrics.blocked('json_too_many_keys');
      done(jsonTooManyKeys(options.jsonMaxKeys), undefined);
      return;
    }
    void defaultJson(request, text, done);
  });

  // HTML forms (application/x-www-form-urlencoded). Fields land on an object without a prototype, and
  // a repeated name becomes an array, so `__proto__=x` is just a field.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: options.formBodyLimit ?? 32 * 1024 },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const fields: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
      let n = 0;
      for (const [name, value] of params) {
        if (++n > formMaxFields) {
          metrics.blocked('form_too_many_fields');
          done(formTooManyFields(formMaxFields), undefined);
          return;
        }
        const existing = fields[name];
        fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
      }
      done(null, fields);
    },
  );

  app.addHook('onError', async (_request, _reply, error) => {
    if ((error as { code?: string }).code === 'FST_ERR_CTP_BODY_TOO_LARGE') metrics.blocked('body_too_large');
  });
}
