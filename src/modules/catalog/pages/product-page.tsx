import { Breadcrumb } from '../../../web/breadcrumb.js';
import { formatMoney } from '../../../web/format.js';
import { Icon } from '../../../web/icons.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import type { PageHead } from '../catalog.seo.js';
import type { ProductDetail, ProductSummary } from '../catalog.types.js';
import { Price } from './price.js';
import { ProductGrid } from './product-card.js';

/**
 * Product page: gallery with thumbnails as links (image choice lives in the URL, so it works without
 * JavaScript), price, variants with their stock, delivery and returns, related products.
 */
export function ProductPage({ ctx, head, product, imageIndex, related }: { ctx: PageContext; head: PageHead; product: ProductDetail; imageIndex: number; related: ProductSummary[] }) {
  const main = product.images[imageIndex] ?? product.images[0];
  const priced = new Set(product.variants.map((v) => v.price.amount)).size > 1;
  return (
    <Layout ctx={ctx} title={head.title} description={head.description} meta={head.meta} preloadImage={main?.url}>
      <div class="container">
        <Breadcrumb trail={[{ label: 'Home', href: '/' }, { label: product.category.name, href: `/c/${product.category.slug}` }, { label: product.name }]} />
        <div class="product">
          <div class="gallery">
            {main ? (
              <div class="gallery__main">
                <img src={main.url} alt={main.alt} width={main.width} height={main.height} fetchpriority="high" decoding="async" />
              </div>
            ) : null}
            {product.images.length > 1 ? (
              <ul class="gallery__thumbs" aria-label="More images">
                {product.images.map((img, i) => (
                  <li key={img.url}>
                    <a href={i === 0 ? `/p/${product.slug}` : `/p/${product.slug}?image=${i + 1}`} aria-current={img === main ? 'true' : undefined}>
                      <img src={img.url} alt={`View image ${i + 1}: ${img.alt}`} width={img.width} height={img.height} loading="lazy" decoding="async" />
                    </a>
                  </li>
                ))}
              </ul>
            ) : null}
          </div>
          <div class="product__info">
            <p class="card__category">{product.category.name}</p>
            <h1>{product.name}</h1>
            <div class="product__price">
              <Price price={product.price} compareAt={product.compareAtPrice} locale={ctx.locale} from={priced} />
            </div>
            <p class="product__desc">{product.description}</p>
            <h2 class="visually-hidden">Options</h2>
            <ul class="variant-list">
              {product.variants.map((v) => (
                <li key={v.id}>
                  <span>
                    {v.title}
                    <br />
                    <span class={v.stock === 'sold_out' ? 'stock-line stock-line--out' : v.stock === 'low_stock' ? 'stock-line stock-line--low' : 'stock-line'}>
                      {v.stock === 'sold_out' ? 'Sold out' : v.stock === 'low_stock' ? `Only ${v.available} left` : 'In stock'}
                    </span>
                  </span>
                  <span class="tabular">{formatMoney(v.price, ctx.locale)}</span>
                </li>
              ))}
            </ul>
            <ul class="promise">
              <li>
                <Icon name="truck" /> Free UK delivery over £50, usually in 2–3 working days
              </li>
              <li>
                <Icon name="return" /> Free returns within 30 days
              </li>
              <li>
                <Icon name="shield" /> Secure checkout
              </li>
            </ul>
          </div>
        </div>
        {related.length > 0 ? (
          <section class="section" aria-labelledby="related">
            <div class="section__head">
              <h2 id="related" class="section__title">
                You may also like
              </h2>
            </div>
            <ProductGrid products={related} locale={ctx.locale} />
          </section>
        ) : null}
      </div>
    </Layout>
  );
}
