import { Icon } from '../../../web/icons.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import type { PageHead } from '../catalog.seo.js';
import type { CategorySummary, ProductSummary } from '../catalog.types.js';
import { Picture } from '../../media/index.js';
import { Price } from './price.js';
import { ProductGrid, type ListingPurchase } from './product-card.js';

export interface HomePageData {
  hero: ProductSummary | undefined;
  categories: CategorySummary[];
  products: ProductSummary[];
  /** Add to cart on the new arrivals' cards. */
  purchase?: ListingPurchase | undefined;
}

/** Home: one static hero with a real product and one call to action, category tiles, new arrivals. */
export function HomePage({ ctx, head, data }: { ctx: PageContext; head: PageHead; data: HomePageData }) {
  const { hero } = data;
  return (
    <Layout ctx={ctx} title={head.title} description={head.description} meta={head.meta} scripts={data.purchase?.script !== undefined && data.products.length > 0 ? [data.purchase.script] : undefined}>
      {hero ? (
        <section class="hero" aria-labelledby="hero-title">
          <div class="container hero__inner">
            <div>
              <p class="hero__eyebrow">New this season</p>
              <h1 id="hero-title">{hero.name}</h1>
              <p class="hero__lede">Made in small batches by people who care about the details. Chosen for the way it wears in, not out.</p>
              <div class="hero__price">
                <Price price={hero.price} compareAt={hero.compareAtPrice} locale={ctx.locale} />
              </div>
              <a class="button" href={`/p/${hero.slug}`}>
                Shop now<span class="visually-hidden">: {hero.name}</span>
                <Icon name="arrow" />
              </a>
            </div>
            {hero.image ? (
              <div class="hero__media">
                <Picture image={hero.image} sizes="(min-width: 64rem) 38rem, 100vw" priority />
              </div>
            ) : null}
          </div>
        </section>
      ) : (
        <section class="container page-head">
          <h1>Welcome to {ctx.shopName}</h1>
          <p>Our shelves are being stocked. Please check back soon.</p>
        </section>
      )}

      {data.categories.length > 0 ? (
        <section class="section container" aria-labelledby="shop-by-category">
          <div class="section__head">
            <h2 id="shop-by-category" class="section__title">
              Shop by category
            </h2>
          </div>
          <ul class="tiles">
            {data.categories.map((c) => (
              <li key={c.slug}>
                <a class="tile" href={`/c/${c.slug}`}>
                  {c.image ? <Picture image={c.image} sizes="(min-width: 64rem) 12rem, (min-width: 40rem) 30vw, 45vw" alt="" /> : null}
                  <span class="tile__name">{c.name}</span>
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {data.products.length > 0 ? (
        <section class="section container" aria-labelledby="new-arrivals">
          <div class="section__head">
            <h2 id="new-arrivals" class="section__title">
              New arrivals
            </h2>
            {data.categories[0] ? (
              <a class="link-arrow" href={`/c/${data.categories[0].slug}`}>
                Browse all
              </a>
            ) : null}
          </div>
          <ProductGrid products={data.products} locale={ctx.locale} purchase={data.purchase?.card} />
        </section>
      ) : null}
    </Layout>
  );
}
