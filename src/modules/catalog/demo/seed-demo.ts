import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { ObjectStore } from '../../../adapters/storage/object-store.js';
import type { Db } from '../../../db/database.js';
import { createInventoryService } from '../../inventory/index.js';
import { createImageIngest, type ImageIngest, type StoredImage } from '../../media/index.js';
import { renderMarkdown } from '../catalog.markdown.js';
import * as repo from '../catalog.repository.js';
import { demoCatalog, type DemoProduct } from './demo-catalog.js';
import { productSvg } from './product-art.js';

export interface SeedResult {
  seeded: boolean;
  categories: number;
  products: number;
  variants: number;
  images: number;
}

const slugify = (s: string): string =>
  s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

/** The demo art is 800 px square: two widths cover phone and desktop grids and keep a first start quick. */
const demoWidths = [400, 800];

/**
 * Draws one product image and stores it through the upload pipeline, as a staff upload would be: the
 * SVG (trusted, drawn here) is rasterised to PNG, which the pipeline checks and re-encodes into AVIF and
 * WebP renditions under its content hash, so a second run reuses them.
 */
async function productImage(ingest: ImageIngest, svg: string): Promise<StoredImage> {
  const png = await sharp(Buffer.from(svg)).png({ compressionLevel: 1 }).toBuffer();
  return ingest.ingest(png, '');
}

function stockFor(product: DemoProduct, colourIndex: number, sizeIndex: number, sku: string): number {
  const base = 6 + (createHash('sha1').update(sku).digest()[0]! % 40);
  switch (product.stock) {
    case 'sold-out':
      return 0;
    case 'low':
      return colourIndex === 0 && sizeIndex === 0 ? 2 : colourIndex === 0 && sizeIndex === 1 ? 1 : 0;
    case 'partial':
      return colourIndex === 0 ? 0 : base;
    default:
      return base;
  }
}

async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Creates the demo catalog (6 categories, 48 products with colour and size variants and locally drawn
 * images) when the catalog is empty. Running it again changes nothing.
 */
export async function seedDemoCatalog(deps: { db: Db; store: ObjectStore; currency: string }): Promise<SeedResult> {
  const { db, store, currency } = deps;
  const inventory = createInventoryService({ db });
  if ((await repo.countCategories(db)) > 0) return { seeded: false, categories: 0, products: 0, variants: 0, images: 0 };

  // libvips' operation cache would keep up to 50 MB for images drawn once; the seed has no reuse to gain.
  sharp.cache(false);
  // Images first, outside the transaction: they are content-addressed, so a retry reuses them.
  const jobs = demoCatalog.flatMap((category) =>
    category.products.flatMap((product) =>
      product.colours.slice(0, 3).map((colour, i) => ({ category, product, colour, i })),
    ),
  );
  // Fastest AVIF effort: the art is flat colour, where more effort saves little.
  const ingest = createImageIngest({ store, maxBytes: 10 * 1024 * 1024, maxPixels: 4_000_000, widths: demoWidths, avifEffort: 0 });
  const stored = await mapLimit(jobs, 2, (job) => productImage(ingest, productSvg(job.product.art, job.colour[1], job.category.backdrop)));
  const storedImages = new Map(jobs.map((job, n) => [`${job.product.name}|${job.i}`, stored[n]!]));

  let products = 0;
  let variants = 0;
  let images = 0;
  const now = Date.now();
  await db.transaction().execute(async (trx) => {
    for (const [position, category] of demoCatalog.entries()) {
      const categoryId = await repo.insertCategory(trx, { slug: category.slug, name: category.name, description: category.description, position });
      for (const [index, product] of category.products.entries()) {
        const slug = slugify(product.name);
        // Interleave creation times across categories so "new arrivals" shows a mix.
        const createdAt = new Date(now - (index * demoCatalog.length + position) * 3_600_000);
        const productId = await repo.insertProduct(trx, {
          slug,
          name: product.name,
          description: product.description,
          description_html: renderMarkdown(product.description),
          category_id: categoryId,
          status: 'active',
          featured: product.featured ?? false,
          options: JSON.stringify([{ name: 'Colour', values: product.colours.map(([name]) => name) }, ...(product.sizes ? [{ name: 'Size', values: product.sizes }] : [])]),
          created_at: createdAt,
          updated_at: createdAt,
        });
        products++;
        const sizes = product.sizes ?? [undefined];
        const rows = product.colours.flatMap(([colourName], ci) =>
          sizes.map((size, si) => {
            const sku = [slug, slugify(colourName), size ? slugify(size) : undefined].filter(Boolean).join('-').toUpperCase();
            const step = product.sizePrices?.[si] ?? 0;
            return {
              product_id: productId,
              sku,
              title: size ? `${colourName} / ${size}` : colourName,
              options: JSON.stringify(size ? { Colour: colourName, Size: size } : { Colour: colourName }),
              price_amount: product.price + step,
              compare_at_amount: product.compareAt !== undefined ? product.compareAt + step : null,
              currency,
              position: ci * sizes.length + si,
            };
          }),
        );
        const ids = await repo.insertVariants(trx, rows);
        await inventory.openLevels(trx, ids.map((id, n) => ({ variantId: id, productId, onHand: stockFor(product, Math.floor(n / sizes.length), n % sizes.length, rows[n]!.sku) })), 'Opening balance', 'seed');
        variants += rows.length;
        const imageRows = product.colours.slice(0, 3).map(([colourName], i) => {
          const image = storedImages.get(`${product.name}|${i}`)!;
          return {
            product_id: productId,
            storage_key: image.key,
            alt: `${product.name} in ${colourName.toLowerCase()}`,
            width: image.width,
            height: image.height,
            widths: [...image.widths],
            formats: [...image.formats],
            position: i,
          };
        });
        await repo.insertImages(trx, imageRows);
        images += imageRows.length;
      }
    }
  });
  return { seeded: true, categories: demoCatalog.length, products, variants, images };
}
