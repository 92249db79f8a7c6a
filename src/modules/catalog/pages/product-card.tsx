import type { ProductSummary } from '../catalog.types.js';
import { Picture } from '../../media/index.js';
import { Price } from './price.js';

/** A card's width in the grid: 2 columns, 3 from 40rem, 4 from 64rem, inside an 80rem container. */
const cardSizes = '(min-width: 80rem) 19rem, (min-width: 64rem) 24vw, (min-width: 40rem) 32vw, 50vw';

/** A grid card: image, category, name, price and Sale / Sold out / Low stock badges. */
export function ProductCard({ product, locale, eager = false }: { product: ProductSummary; locale: string; eager?: boolean }) {
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
    </article>
  );
}

export function ProductGrid({ products, locale, eagerCount = 0 }: { products: ProductSummary[]; locale: string; eagerCount?: number }) {
  return (
    <ul class="product-grid">
      {products.map((p, i) => (
        <li key={p.id}>
          <ProductCard product={p} locale={locale} eager={i < eagerCount} />
        </li>
      ))}
    </ul>
  );
}
