import type { ProductSummary } from '../catalog.types.js';
import { Price } from './price.js';

/** A grid card: image, category, name, price and Sale / Sold out / Low stock badges. */
export function ProductCard({ product, locale, eager = false }: { product: ProductSummary; locale: string; eager?: boolean }) {
  const onSale = product.compareAtPrice !== null && product.compareAtPrice.amount > product.price.amount;
  return (
    <article class="card">
      <div class="card__media">
        {product.image ? (
          <img
            src={product.image.url}
            alt={product.image.alt}
            width={product.image.width}
            height={product.image.height}
            loading={eager ? 'eager' : 'lazy'}
            decoding="async"
          />
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
