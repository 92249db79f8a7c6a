import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../db/database-errors.js';
import { AppError } from '../kernel/errors.js';
import { privateNoStore, statusOfCategory } from './answers.js';
import { sendProblem, type Problem } from './problem.js';

type ProblemInput = Omit<Problem, 'type' | 'instance' | 'requestId'>;

/** Renders a problem as an HTML page for a browser navigating the storefront or back office. */
export type HtmlErrorRenderer = (request: FastifyRequest, problem: ProblemInput) => Promise<string>;

const machinePaths = /^\/(api|webhooks|metrics|healthz|readyz|assets|media)(\/|$)/;

function wantsHtml(request: FastifyRequest): boolean {
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    !machinePaths.test(request.url) &&
    String(request.headers.accept ?? '').includes('text/html')
  );
}

/** Retry-After on a 503: long enough for a lock to clear or a database to fail over, short enough to matter. */
export const unavailableRetryAfterSeconds = 5;


const titleOf: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Fastify's own client-error codes, given stable Bastion codes and clear wording. */
const fastifyCodes: Record<string, { code: string; status: number; detail?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', status: 400, detail: 'The request body is not valid JSON.' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', status: 400, detail: 'The request body is empty but declared as JSON.' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'BODY_TOO_LARGE', status: 413, detail: 'The request body is larger than this endpoint accepts.' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415, detail: 'This endpoint does not accept that content type.' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'BAD_CONTENT_LENGTH', status: 400, detail: 'The Content-Length does not match the body.' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 },
  FST_ERR_BAD_URL: { code: 'BAD_URL', status: 400, detail: 'The URL is malformed.' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'BAD_REQUEST', status: 400 },
};

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
}

function describeValidation(error: FastifyError): { field: string; message: string }[] {
  const issues = (error.validation ?? []) as ValidationIssue[];
  const where = error.validationContext ?? 'body';
  const described = issues.flatMap((issue) => {
    const pointer = (issue.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.');
    const at = (path: string): string => [where, path].filter(Boolean).join('.');
    // TypeBox reports an unknown field twice: as "schema is false" at the field, and on its parent.
    if (issue.keyword === 'boolean') return [];
    if (issue.keyword === 'additionalProperties') {
      const names = (issue.params?.additionalProperties as string[] | string | undefined) ?? [];
      return (Array.isArray(names) ? names : [names]).map((name) => ({
        field: at([pointer, name].filter(Boolean).join('.')),
        message: `unknown field "${name}" is not allowed`,
      }));
    }
    return [{ field: at(pointer), message: issue.message ?? 'is invalid' }];
  });
  return described.slice(0, 20);
}

/**
 * The one place where errors become HTTP responses: problem+json (RFC 9457) for every client error,
 * and for 5xx a generic message plus the request id, never the internal message or a stack.
 */
export function registerErrorHandler(app: FastifyInstance, options: { html?: HtmlErrorRenderer } = {}): void {
  const respond = async (request: FastifyRequest, reply: FastifyReply, problem: ProblemInput): Promise<FastifyReply> => {
    if (options.html && wantsHtml(request)) {
      try {
        const html = await options.html(request, problem);
        return reply.code(problem.status).header('cache-control', privateNoStore).type('text/html; charset=utf-8').send(html);
      } catch (err) {
        request.log.error({ err }, 'error page failed; falling back to problem+json');
      }
    }
    return sendProblem(request, reply, problem);
  };

  app.setNotFoundHandler((request, reply) =>
    respond(request, reply, {
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      title: 'Not Found',
      detail: `No route matches ${request.method} ${request.url.split('?')[0] ?? ''}.`,
    }),
  );

  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      const status = statusOfCategory[error.category];
      if (status >= 500) request.log.error({ err: error }, 'request failed');
      const retryAfter = error.details?.retryAfterSeconds;
      if (error.category === 'rate_limited' && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
      // A dependency that is briefly down (keys, mail, the identity provider): tell clients when to retry.
      if (status === 503) reply.header('retry-after', String(typeof retryAfter === 'number' ? retryAfter : 5));
      return respond(request, reply, {
        status,
        code: error.code,
        title: titleOf[status] ?? 'Error',
        detail: status >= 500 ? 'Something went wrong on our side.' : error.message,
      });
    }
    if (error.validation) {
      return respond(request, reply, {
        status: 400,
        code: 'VALIDATION_FAILED',
        title: 'Bad Request',
        detail: 'The request did not match the expected shape.',
        errors: describeValidation(error),
      });
    }
    const known = error.code ? fastifyCodes[error.code] : undefined;
    if (known) {
      return respond(request, reply, {
        status: known.status,
        code: known.code,
        title: titleOf[known.status] ?? 'Bad Request',
        detail: known.detail ?? error.message,
      });
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500;
    if (status < 500) {
      return respond(request, reply, {
        status,
        code: 'BAD_REQUEST',
        title: titleOf[status] ?? 'Bad Request',
        detail: error.message,
      });
    }
    if (isDatabaseUnavailable(error)) {
      // Slow, locked or unreachable: the request was bounded (docs/configuration.md, DATABASE_*_TIMEOUT_MS)
      // and the client may try again; no internal detail leaves the process.
      request.log.warn({ err: error }, 'database unavailable');
      reply.header('retry-after', String(unavailableRetryAfterSeconds));
      return respond(request, reply, {
        status: 503,
        code: 'SERVICE_UNAVAILABLE',
        title: 'Service Unavailable',
        detail: 'The shop is briefly unavailable. Please try again in a moment.',
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return respond(request, reply, {
      status: 500,
      code: 'INTERNAL',
      title: 'Internal Server Error',
      detail: `Something went wrong on our side. Quote reference ${String(request.id)} if you contact us.`,
    });
  });
}
