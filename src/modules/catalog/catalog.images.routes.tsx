import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendAdminPage, staffMay, type AdminShell } from '../../backoffice/index.js';
import type { Csrf } from '../../http/csrf.js';
import { AppError } from '../../kernel/errors.js';
import type { StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { ImageRefSchema, registerUploadScope, uploadOf, UploadFields } from '../media/index.js';
import { ProductImagesPage, RemoveProductImagePage } from './admin/product-images-page.js';
import { productImageNotFound } from './catalog.images.errors.js';
import { maxAltLength, type ProductImagesService, type ProductImageView } from './catalog.images.service.js';

export interface ProductImageRouteDeps {
  images: ProductImagesService;
  csrf: Csrf;
  /** MEDIA_MAX_BYTES. */
  maxBytes: number;
}

const strict = { additionalProperties: false } as const;
const tags = ['catalog'];
const hide = { hide: true };
const ProductParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
const ImageParams = Type.Object({ id: Type.String({ format: 'uuid' }), imageId: Type.String({ format: 'uuid' }) });
const ImageView = Type.Object({ id: Type.String(), position: Type.Integer(), alt: Type.String(), image: ImageRefSchema });
const ImageList = Type.Object({ product: Type.Object({ id: Type.String(), name: Type.String(), slug: Type.String() }), images: Type.Array(ImageView) });
const PatchBody = Type.Object({ alt: Type.Optional(Type.String({ maxLength: maxAltLength })), position: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })) }, strict);
const AltForm = Type.Object({ alt: Type.String({ maxLength: maxAltLength * 2 }) }, strict);
const MoveForm = Type.Object({ direction: Type.Union([Type.Literal('up'), Type.Literal('down')]) }, strict);
const Empty = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 30 })) });

const notices: Record<string, string> = {
  added: 'Image added to the end of the gallery.',
  saved: 'Alt text saved.',
  moved: 'Gallery order saved.',
  removed: 'Image removed.',
};

const dto = (v: ProductImageView) => ({ id: v.id, position: v.position, alt: v.alt, image: v.image });

/**
 * Product images in the back office: the staff API under /api/v1/admin/catalog/products/:id/images and
 * the page at /admin/products/:id/images. Uploads (multipart) go through the media module's upload scope;
 * every other change is a small form or JSON body. Each route names catalog.write (reading: catalog.read).
 */
export async function registerProductImageRoutes(app: FastifyInstance, shell: AdminShell, deps: ProductImageRouteDeps): Promise<void> {
  const { images } = deps;
  const { guard } = shell;
  const { staffOr, contextOf } = shell.pages;
  const page = `/admin/products/:id/images`;
  const done = (reply: FastifyReply, productId: string, what: string) => reply.redirect(`/admin/products/${productId}/images?done=${what}`, 303);
  const render = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, productId: string, extra: { errors?: FormError[]; uploadAlt?: string; altEdit?: { imageId: string; alt: string }; notice?: string } = {}) =>
    sendAdminPage(reply, <ProductImagesPage ctx={await contextOf(request, principal)} data={await images.list(productId)} maxBytes={deps.maxBytes} {...extra} />);

  // --- the staff API ----------------------------------------------------------------------------------
  app.get<{ Params: { id: string } }>(
    '/api/v1/admin/catalog/products/:id/images',
    { schema: { tags, params: ProductParams, response: { 200: ImageList } } },
    async (request) => {
      await guard.require(request, 'catalog.read');
      const list = await images.list(request.params.id);
      return { product: list.product, images: list.images.map(dto) };
    },
  );

  app.patch<{ Params: { id: string; imageId: string }; Body: { alt?: string; position?: number } }>(
    '/api/v1/admin/catalog/products/:id/images/:imageId',
    { schema: { tags, params: ImageParams, body: PatchBody } },
    async (request, reply) => {
      const actor = await guard.require(request, 'catalog.write');
      const { id, imageId } = request.params;
      if (request.body.alt !== undefined) await images.updateAlt(actor, id, imageId, request.body.alt, requestContext(request));
      if (request.body.position !== undefined) await images.moveTo(actor, id, imageId, request.body.position, requestContext(request));
      if (request.body.alt === undefined && request.body.position === undefined) {
        // Nothing to change: still answer for an unknown image as a change would.
        if (!(await images.list(id)).images.some((i) => i.id === imageId)) throw productImageNotFound();
      }
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string; imageId: string } }>(
    '/api/v1/admin/catalog/products/:id/images/:imageId',
    { schema: { tags, params: ImageParams } },
    async (request, reply) => {
      await images.remove(await guard.require(request, 'catalog.write'), request.params.id, request.params.imageId, requestContext(request));
      return reply.code(204).send();
    },
  );

  // --- uploads: the only routes here that take multipart -------------------------------------------------
  await registerUploadScope(app, { csrf: deps.csrf, maxBytes: deps.maxBytes, permitted: (request) => staffMay(guard, request, 'catalog.write') }, (scope) => {
    scope.post<{ Params: { id: string }; Body: { alt?: string } | null | undefined }>(
      '/api/v1/admin/catalog/products/:id/images',
      { schema: { tags, consumes: ['multipart/form-data'], params: ProductParams, body: UploadFields, response: { 201: ImageView } } },
      async (request, reply) => {
        const actor = await guard.require(request, 'catalog.write');
        const added = await images.add(actor, request.params.id, uploadOf(request).file, request.body?.alt, requestContext(request));
        return reply.code(201).send(dto(added));
      },
    );

    scope.post<{ Params: { id: string }; Body: { alt?: string } | null | undefined }>(
      page,
      { schema: { ...hide, params: ProductParams, body: UploadFields } },
      async (request, reply) => {
        const principal = await staffOr(request, reply, 'catalog.write');
        if (principal === undefined) return reply;
        const alt = request.body?.alt ?? '';
        try {
          await images.add(principal, request.params.id, uploadOf(request).file, alt, requestContext(request));
          return done(reply, request.params.id, 'added');
        } catch (err) {
          if (err instanceof AppError && err.code === 'CATALOG_PRODUCT_NOT_FOUND') throw err;
          const errors = formErrorsOf(err, reply, (code) => (code.startsWith('MEDIA_') || code === 'CATALOG_TOO_MANY_IMAGES' ? 'file' : undefined));
          return render(request, reply, principal, request.params.id, { errors, uploadAlt: alt });
        }
      },
    );
  });

  // --- the page ---------------------------------------------------------------------------------------
  app.get<{ Params: { id: string }; Querystring: { done?: string } }>(page, { schema: { ...hide, params: ProductParams, querystring: DoneQuery } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const notice = notices[request.query.done ?? ''];
    return render(request, reply, principal, request.params.id, notice ? { notice } : {});
  });

  app.post<{ Params: { id: string; imageId: string }; Body: { alt: string } }>(
    `${page}/:imageId/alt`,
    { schema: { ...hide, params: ImageParams, body: AltForm } },
    async (request, reply) => {
      const principal = await staffOr(request, reply, 'catalog.write');
      if (principal === undefined) return reply;
      const { id, imageId } = request.params;
      try {
        await images.updateAlt(principal, id, imageId, request.body.alt, requestContext(request));
        return done(reply, id, 'saved');
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'CATALOG_IMAGE_ALT_INVALID') throw err;
        const errors = formErrorsOf(err, reply, () => `alt-${imageId}`);
        return render(request, reply, principal, id, { errors, altEdit: { imageId, alt: request.body.alt } });
      }
    },
  );

  app.post<{ Params: { id: string; imageId: string }; Body: { direction: 'up' | 'down' } }>(
    `${page}/:imageId/move`,
    { schema: { ...hide, params: ImageParams, body: MoveForm } },
    async (request, reply) => {
      const principal = await staffOr(request, reply, 'catalog.write');
      if (principal === undefined) return reply;
      await images.move(principal, request.params.id, request.params.imageId, request.body.direction, requestContext(request));
      return done(reply, request.params.id, 'moved');
    },
  );

  app.get<{ Params: { id: string; imageId: string } }>(`${page}/:imageId/remove`, { schema: { ...hide, params: ImageParams } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const data = await images.list(request.params.id);
    const image = data.images.find((i) => i.id === request.params.imageId);
    if (!image) throw productImageNotFound();
    return sendAdminPage(reply, <RemoveProductImagePage ctx={await contextOf(request, principal)} data={data} image={image} />);
  });

  app.post<{ Params: { id: string; imageId: string } }>(`${page}/:imageId/remove`, { schema: { ...hide, params: ImageParams, body: Empty } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    await images.remove(principal, request.params.id, request.params.imageId, requestContext(request));
    return done(reply, request.params.id, 'removed');
  });
}
