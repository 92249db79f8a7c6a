import type { Db } from '../../db/database.js';
import type { StaffPrincipal } from '../../kernel/permissions.js';
import type { RequestContext } from '../../kernel/request-context.js';
import type { AuditService } from '../audit/index.js';
import type { ImageIngest, ImageRef, MediaUrls } from '../media/index.js';
import type { CatalogChangeListener } from './catalog.changes.js';
import { productNotFound } from './catalog.errors.js';
import { productImageAltInvalid, productImageNotFound, tooManyProductImages } from './catalog.images.errors.js';
import * as repo from './catalog.images.repository.js';
import type { ProductImageRow } from './catalog.tables.js';

/** More would only slow the product page; a merchant with more angles picks the best. */
export const maxImagesPerProduct = 20;
export const maxAltLength = 250;

/** One image of a product as the back office shows it. */
export interface ProductImageView {
  id: string;
  position: number;
  alt: string;
  image: ImageRef;
}

export interface ProductImages {
  product: { id: string; name: string; slug: string };
  images: ProductImageView[];
}

export interface ProductImagesService {
  /** The product and its images in gallery order; CATALOG_PRODUCT_NOT_FOUND for an unknown product. */
  list(productId: string): Promise<ProductImages>;
  /** Runs the upload through the media pipeline, then adds it last in the gallery. Alt text defaults to the product's name. */
  add(actor: StaffPrincipal, productId: string, file: Buffer, alt: string | undefined, context: RequestContext): Promise<ProductImageView>;
  updateAlt(actor: StaffPrincipal, productId: string, imageId: string, alt: string, context: RequestContext): Promise<void>;
  /** Moves an image one place earlier or later (the first is the product's main image). */
  move(actor: StaffPrincipal, productId: string, imageId: string, direction: 'up' | 'down', context: RequestContext): Promise<void>;
  /** Moves an image to `position` (0 is first), clamped to the gallery. */
  moveTo(actor: StaffPrincipal, productId: string, imageId: string, position: number, context: RequestContext): Promise<void>;
  remove(actor: StaffPrincipal, productId: string, imageId: string, context: RequestContext): Promise<void>;
}

export interface ProductImagesDeps {
  db: Db;
  audit: AuditService;
  ingest: ImageIngest;
  media: MediaUrls;
  /** Told of every change inside its transaction (search index, caches, CDN follow through the outbox). */
  onChange: CatalogChangeListener;
}

const cleanAlt = (alt: string): string => alt.replace(/\s+/g, ' ').trim();

/**
 * Product images for staff: upload (through the media pipeline), alt text, order and removal. Each change
 * locks the product row, is audited with before and after values, and tells the catalog change listener in
 * the same transaction. Removing an image removes the row only: its renditions are content-addressed and
 * may serve another product or a cached page, so they stay in the store.
 */
export function createProductImagesService(deps: ProductImagesDeps): ProductImagesService {
  const { db, audit, ingest, media } = deps;

  const view = (row: ProductImageRow): ProductImageView => ({
    id: row.id,
    position: row.position,
    alt: row.alt,
    image: media.image({ key: row.storage_key, alt: row.alt, width: row.width, height: row.height, widths: row.widths, formats: row.formats }),
  });
  const snapshot = (row: ProductImageRow) => ({ id: row.id, alt: row.alt, position: row.position, storageKey: row.storage_key });
  const order = (rows: ProductImageRow[]) => ({ order: rows.map((r) => r.id) });
  const actorOf = (a: StaffPrincipal) => ({ type: 'staff' as const, id: a.userId, role: a.role });
  const changed = (trx: Db, owner: repo.ImageOwnerRow) =>
    deps.onChange(trx, { productIds: [owner.id], categoryIds: [owner.category_id], collectionIds: [], paths: [`/p/${owner.slug}`] });

  /** Runs `work` with the product locked and its images read; unknown products and images are refused. */
  const withImages = async <T>(productId: string, work: (trx: Db, owner: repo.ImageOwnerRow, rows: ProductImageRow[]) => Promise<T>): Promise<T> =>
    db.transaction().execute(async (trx) => {
      const owner = await repo.lockImageOwner(trx, productId);
      if (!owner) throw productNotFound(productId);
      return work(trx, owner, await repo.findProductImages(trx, productId));
    });
  const imageIn = (rows: ProductImageRow[], imageId: string): ProductImageRow => {
    const row = rows.find((r) => r.id === imageId);
    if (!row) throw productImageNotFound();
    return row;
  };

  const reorder = async (actor: StaffPrincipal, productId: string, imageId: string, to: (from: number, count: number) => number, context: RequestContext): Promise<void> =>
    withImages(productId, async (trx, owner, rows) => {
      const from = rows.indexOf(imageIn(rows, imageId));
      const target = Math.max(0, Math.min(rows.length - 1, to(from, rows.length)));
      if (target === from) return;
      const after = [...rows];
      after.splice(target, 0, ...after.splice(from, 1));
      await repo.updateProductImagePositions(trx, after.map((r) => r.id));
      await changed(trx, owner);
      await audit.record(trx, { actor: actorOf(actor), action: 'product.image.move', target: { type: 'product', id: owner.id }, before: order(rows), after: order(after), ...context });
    });

  return {
    async list(productId) {
      const owner = await repo.findImageOwner(db, productId);
      if (!owner) throw productNotFound(productId);
      const rows = await repo.findProductImages(db, productId);
      return { product: { id: owner.id, name: owner.name, slug: owner.slug }, images: rows.map(view) };
    },

    async add(actor, productId, file, alt, context) {
      const given = cleanAlt(alt ?? '');
      if (given.length > maxAltLength) throw productImageAltInvalid(maxAltLength);
      const before = await repo.findImageOwner(db, productId);
      if (!before) throw productNotFound(productId);
      if ((await repo.findProductImages(db, productId)).length >= maxImagesPerProduct) throw tooManyProductImages(maxImagesPerProduct);
      // The slow part (decoding, encoding, storing) runs before the transaction, holding no lock; its
      // objects are content-addressed, so a refused or failed insert leaves nothing that is referenced.
      const stored = await ingest.ingest(file, given || before.name);
      return withImages(productId, async (trx, owner, rows) => {
        if (rows.length >= maxImagesPerProduct) throw tooManyProductImages(maxImagesPerProduct);
        const row = await repo.insertProductImage(trx, {
          product_id: owner.id, storage_key: stored.key, alt: stored.alt, width: stored.width, height: stored.height,
          widths: [...stored.widths], formats: [...stored.formats], position: (rows[rows.length - 1]?.position ?? -1) + 1,
        });
        await changed(trx, owner);
        await audit.record(trx, { actor: actorOf(actor), action: 'product.image.add', target: { type: 'product', id: owner.id }, before: null, after: snapshot(row), ...context });
        return view(row);
      });
    },

    async updateAlt(actor, productId, imageId, alt, context) {
      const text = cleanAlt(alt);
      if (text.length === 0 || text.length > maxAltLength) throw productImageAltInvalid(maxAltLength);
      await withImages(productId, async (trx, owner, rows) => {
        const row = imageIn(rows, imageId);
        if (row.alt === text) return;
        await repo.updateProductImageAlt(trx, row.id, text);
        await changed(trx, owner);
        await audit.record(trx, { actor: actorOf(actor), action: 'product.image.update', target: { type: 'product', id: owner.id }, before: snapshot(row), after: { ...snapshot(row), alt: text }, ...context });
      });
    },

    move: (actor, productId, imageId, direction, context) => reorder(actor, productId, imageId, (from) => from + (direction === 'up' ? -1 : 1), context),
    moveTo: (actor, productId, imageId, position, context) => reorder(actor, productId, imageId, () => position, context),

    async remove(actor, productId, imageId, context) {
      await withImages(productId, async (trx, owner, rows) => {
        const row = imageIn(rows, imageId);
        await repo.deleteProductImage(trx, row.id);
        await repo.updateProductImagePositions(trx, rows.filter((r) => r.id !== row.id).map((r) => r.id));
        await changed(trx, owner);
        await audit.record(trx, { actor: actorOf(actor), action: 'product.image.remove', target: { type: 'product', id: owner.id }, before: snapshot(row), after: null, ...context });
      });
    },
  };
}
