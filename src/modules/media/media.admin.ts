import type { FastifyInstance } from 'fastify';
import { staffMay, type AdminContribution, type AdminShell } from '../../backoffice/index.js';
import type { Csrf } from '../../http/csrf.js';
import { requestContext } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { ImageIngest } from './media.ingest.js';
import type { MediaUrls } from './media.images.js';
import * as S from './media.schemas.js';
import { registerUploadScope, uploadOf } from './media.uploads.js';

export interface MediaAdminDeps {
  ingest: ImageIngest;
  media: MediaUrls;
  csrf: Csrf;
  maxBytes: number;
  /** Every stored image is served publicly, so who stored it is on the trail. */
  audit: Pick<AuditService, 'recordAlone'>;
}

/**
 * The media module's part of the back office: the staff API that takes an image upload through the
 * pipeline and answers with its renditions (for content that is not a product image).
 */
export function mediaAdmin(deps: MediaAdminDeps): AdminContribution {
  return {
    name: 'media',
    register: (app, shell) => registerUploadScope(app, { csrf: deps.csrf, maxBytes: deps.maxBytes, permitted: (request) => staffMay(shell.guard, request, 'catalog.write') }, (scope) => registerMediaAdminRoutes(scope, shell, deps)),
  };
}

function registerMediaAdminRoutes(app: FastifyInstance, shell: AdminShell, deps: MediaAdminDeps): void {
  app.post<{ Body: { alt?: string } | null | undefined }>(
    '/api/v1/admin/media/images',
    { schema: { tags: ['media'], consumes: ['multipart/form-data'], body: S.UploadFields, response: { 201: S.StoredImageSchema } } },
    async (request, reply) => {
      const actor = await shell.guard.require(request, 'catalog.write');
      const stored = await deps.ingest.ingest(uploadOf(request).file, (request.body?.alt ?? '').trim());
      await deps.audit.recordAlone({
        actor: { type: 'staff', id: actor.userId, role: actor.role },
        action: 'media.image.upload',
        target: { type: 'media', id: stored.key },
        before: null,
        after: { key: stored.key, width: stored.width, height: stored.height },
        ...requestContext(request),
      });
      return reply.code(201).send({
        key: stored.key, width: stored.width, height: stored.height, widths: [...stored.widths], formats: [...stored.formats],
        image: deps.media.image(stored),
      });
    },
  );
}
