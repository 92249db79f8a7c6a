import type { FastifyInstance } from 'fastify';
import type { ObjectStore } from '../../adapters/storage/object-store.js';
import { registerMediaRoutes } from './media.routes.js';

/** Product images and other public media, served from the object store. */
export async function mediaPlugin(app: FastifyInstance, options: { store: ObjectStore }): Promise<void> {
  registerMediaRoutes(app, options);
}

export { createMediaUrls, type ImageRef, type MediaUrls, type StoredImage } from './media.images.js';
export { createImageIngest, type ImageIngest } from './media.ingest.js';
export { Picture, type PictureProps } from './picture.js';
export { mediaAdmin, type MediaAdminDeps } from './media.admin.js';
export { ImageRefSchema, UploadFields } from './media.schemas.js';
export { registerUploadScope, uploadOf, type Upload } from './media.uploads.js';
