import type { Insertable } from 'kysely';
import type { Db } from '../../db/database.js';
import type { ProductImageRow, ProductImageTable } from './catalog.tables.js';

/** What the image pages show of a product, and what a change tells the listener (its page and category). */
export interface ImageOwnerRow {
  id: string;
  name: string;
  slug: string;
  category_id: string;
}

export async function findImageOwner(db: Db, productId: string): Promise<ImageOwnerRow | undefined> {
  return db.selectFrom('product').select(['id', 'name', 'slug', 'category_id']).where('id', '=', productId).executeTakeFirst();
}

/** Locks the product row, so concurrent image changes of one product take turns (positions stay a sequence). */
export async function lockImageOwner(trx: Db, productId: string): Promise<ImageOwnerRow | undefined> {
  return trx.selectFrom('product').select(['id', 'name', 'slug', 'category_id']).where('id', '=', productId).forUpdate().executeTakeFirst();
}

/** A product's images in gallery order. */
export async function findProductImages(db: Db, productId: string): Promise<ProductImageRow[]> {
  return db.selectFrom('product_image').selectAll().where('product_id', '=', productId).orderBy('position').orderBy('id').execute();
}

export async function insertProductImage(trx: Db, row: Insertable<ProductImageTable>): Promise<ProductImageRow> {
  return trx.insertInto('product_image').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateProductImageAlt(trx: Db, imageId: string, alt: string): Promise<void> {
  await trx.updateTable('product_image').set({ alt }).where('id', '=', imageId).execute();
}

/** Writes positions 0..n-1 in the order given. */
export async function updateProductImagePositions(trx: Db, orderedIds: readonly string[]): Promise<void> {
  for (const [position, id] of orderedIds.entries()) {
    await trx.updateTable('product_image').set({ position }).where('id', '=', id).where('position', '!=', position).execute();
  }
}

export async function deleteProductImage(trx: Db, imageId: string): Promise<void> {
  await trx.deleteFrom('product_image').where('id', '=', imageId).execute();
}
