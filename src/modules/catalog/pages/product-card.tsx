import type { FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { ProductSummary } from '../catalog.types.js';
import { Picture } from '../../media/index.js';
import { Price } from './price.js';

/** A card's width in the grid: 2 columns, 3 from 40rem, 4 from 64rem, inside an 80rem container. */
const cardSizes = '(min-width: 80rem) 19rem, (min-width: 64rem) 24vw, (min-width: 40rem) 32vw, 50vw';

/**
 * The form a card shows to add one unit of a product's only variant to the cart. It is the cart
 * module's, made for one request (its CSRF token belongs to that visitor) and given to the catalog's pages.
 */
export type CardPurchase = (item: { variantId: string; productName: string }) => ComponentChildren;

/** Listing cards that sell: the per-request card form and the script that enhances it. */
export interface ListingPurchase {
  card: CardPurchase;
  script?: string | undefined;
}

/** The cart's card form as app.ts hands it to listing routes: made per request, then used for every card. */
export interface CardPurchaseSlot {
  card(request: FastifyRequest): CardPurchase;
  script?: string | undefined;
}

export const listingPurchase = (slot: CardPurchaseSlot | undefined, request: FastifyRequest): ListingPurchase | undefined =>
  slot ? { card: slot.card(request), script: slot.script } : undefined;

/**
 * What a card offers to buy: nothing once sold out (its badge says so), Add to cart for a product with one
 * variant, and a link to the product page when there are options to choose first.
 */
function CardAction({ product, purchase }: { product: ProductSummary; purchase: CardPurchase }) {
  if (product.stock === 'sold_out') return null;
  if (product.soleVariantId !== undefined) return <div class="card__action">{purchase({ variantId: product.soleVariantId, productName: product.name })}</div>;
  return (
    <div class="card__action">
      <a class="button button--secondary card__button" href={`/p/${product.slug}`}>
        Choose options<span class="visually-hidden"> for {product.name}</span>
      </a>
    </div>
  );
}

/** A grid card: image, category, name, price, Sale / Sold out / Low stock badges and, in listings, how to buy. */
export function ProductCard({ product, locale, eager = false, purchase }: { product: ProductSummary; locale: string; eager?: boolean; purchase?: CardPurchase | undefined }) {
  const onSale = product.compareAtPrice !== null && product.compareAtPrice.amount > product.price.amount;
  return (
    <article class="card">
      <div class="card__media">
        {product.image ? (
          <Picture image={product.image} sizes={cardSizes} priority={eager} />
        ) : null}
        <div class="card__badges">
          {product.stock === 'sold_out' ? <span class="badge badge--sold-out">Sold out</span> : null}
          {onSale && product.stock !== 'sold_out' ? <span class="badge badge--sale">Sale</span> : null}
          {product.stock === 'low_stock' ? <span class="badge badge--low">Low stock</span> : null}
        </div>
      </div>
      <p class="card__category">{product.category.name}</p>
      <h3 class="card__title">
        <a href={`/p/${product.slug}`}>{product.name}</a>
      </h3>
      <Price price={product.price} compareAt={product.compareAtPrice} locale={locale} />
      {purchase ? <CardAction product={product} purchase={purchase} /> : null}
    </article>
  );
}

export function ProductGrid({ products, locale, eagerCount = 0, purchase }: { products: ProductSummary[]; locale: string; eagerCount?: number; purchase?: CardPurchase | undefined }) {
  return (
    <ul class="product-grid">
      {products.map((p, i) => (
        <li key={p.id}>
          <ProductCard product={p} locale={locale} eager={i < eagerCount} purchase={purchase} />
        </li>
      ))}
    </ul>
  );
}
