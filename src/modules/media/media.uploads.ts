import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Csrf } from '../../http/csrf.js';
import { AppError } from '../../kernel/errors.js';
import { mediaBadUpload, mediaFileRequired, mediaTooLarge } from './media.errors.js';

/** An upload as its route sees it: the form's text fields and the one file's bytes (its name and declared type are dropped). */
export interface Upload {
  file: Buffer;
}

export interface UploadScopeOptions {
  csrf: Csrf;
  /** MEDIA_MAX_BYTES: the file part is cut off (and refused) past this. */
  maxBytes: number;
  /**
   * Whether the request may upload here (the routes' own permission, asked without refusing). A body is
   * read only for a request that may: anyone else could make every instance hold MEDIA_MAX_BYTES per
   * request before the route's guard refused them.
   */
  permitted: (request: FastifyRequest) => Promise<boolean>;
}

/** The part a form sends its file in. */
export const uploadFieldName = 'file';

const uploads = new WeakMap<FastifyRequest, Buffer | AppError>();

/**
 * The file of this request's multipart body, or the refusal of it (too large, malformed, missing), thrown
 * here so a page can show it beside the form rather than as a bare error.
 */
export function uploadOf(request: FastifyRequest): Upload {
  const found = uploads.get(request);
  if (found instanceof AppError) throw found;
  if (found === undefined || found.length === 0) throw mediaFileRequired();
  return { file: found };
}

/**
 * Registers `routes` in a scope of their own where multipart/form-data is accepted, up to one file of
 * `maxBytes` and a few short text fields; everywhere else the edge still answers 415 to it. The scope reads
 * the body in its own hook: the form token (the `_csrf` field, which forms send first, or the header) is
 * checked before the file is read, the file is kept in memory only (never on disk, never under its
 * client-chosen name), and the text fields become `request.body` for the route's schema.
 */
export async function registerUploadScope(app: FastifyInstance, options: UploadScopeOptions, routes: (scope: FastifyInstance) => void | Promise<void>): Promise<void> {
  const { csrf, maxBytes, permitted } = options;
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...(route.config ?? {}), csrfAfterMultipart: true };
    });
    await scope.register(fastifyMultipart, {
      limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 4096, parts: 11, headerPairs: 20 },
    });
    scope.addHook('preValidation', async (request) => {
      if (!request.isMultipart()) return;
      if (!(await permitted(request))) {
        // Left unread; the route's guard answers. A route that forgot its guard still gets no file.
        uploads.set(request, mediaBadUpload('the file was not read: sign in with a role that may upload'));
        request.body = {};
        return;
      }
      const fields: Record<string, string> = {};
      let verified = false;
      const check = (given: string | undefined): void => {
        if (!verified) csrf.verify(request, given);
        verified = true;
      };
      try {
        for await (const part of request.parts()) {
          if (part.type === 'file') {
            check(undefined);
            if (part.fieldname !== uploadFieldName || uploads.has(request)) {
              await part.toBuffer().catch(() => undefined);
              throw mediaBadUpload(`send one file, in the "${uploadFieldName}" field`);
            }
            uploads.set(request, await part.toBuffer());
          } else if (part.fieldname === '_csrf') {
            check(typeof part.value === 'string' ? part.value : undefined);
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (err instanceof AppError && err.code.startsWith('CSRF_')) throw err;
        const refusal =
          err instanceof AppError ? err
          : code === 'FST_REQ_FILE_TOO_LARGE' ? mediaTooLarge(maxBytes)
          : mediaBadUpload(code === 'FST_FILES_LIMIT' ? 'send one file at a time' : 'the form data is malformed or too long');
        uploads.set(request, refusal);
      }
      check(undefined);
      request.body = fields;
    });
    await routes(scope);
  });
}
