import type { ComponentChildren } from 'preact';
import { Breadcrumb } from '../../../web/breadcrumb.js';
import { formatMoney } from '../../../web/format.js';
import { Layout } from '../../../web/layout.js';
import type { PageContext } from '../../../web/page-context.js';
import type { PageHead } from '../catalog.seo.js';
import type { ProductDetail, ProductSummary, ProductVariant } from '../catalog.types.js';
import { chooseVariant, optionsOf, valueStates, variantImageIndex, type VariantOption, type VariantRequest } from '../catalog.variant-choice.js';
import { Picture } from '../../media/index.js';
import { Price } from './price.js';
import { ProductGrid } from './product-card.js';

export interface ProductPageProps {
  ctx: PageContext;
  /** Title, meta description, canonical URL and structured data (catalog.seo.ts). */
  head: PageHead;
  product: ProductDetail;
  /** The image asked for in the URL (`?image=2` is index 1); absent: the chosen variant's image. */
  imageIndex?: number | undefined;
  /** The variant asked for in the URL: `?Colour=Sage&Size=M` or `?variant=<id>`. */
  choice?: VariantRequest;
  related: ProductSummary[];
  /**
   * The add-to-cart slot: the checkout renders its POST form for the chosen variant here. Until it does,
   * the page shows the variant's availability and nothing that pretends to sell.
   */
  purchase?: (variant: ProductVariant) => ComponentChildren;
  /** The purchase form's enhancement script (hashed URL), loaded with the page's others. */
  purchaseScript?: string | undefined;
}

/**
 * Product page: a gallery with thumbnails as links, the chosen variant's price, stock and SKU, and a
 * variant picker. Every choice lives in the URL (`?Colour=Sage&Size=M`, `?image=2`), so it all works
 * without JavaScript; src/web/scripts/variant-picker.js makes the picker update in place.
 */
export function ProductPage({ ctx, head, product, imageIndex, choice = { values: {} }, related, purchase, purchaseScript }: ProductPageProps) {
  const options = optionsOf(product.options, product.variants);
  const chosen = chooseVariant(options, product.variants, choice);
  const variant = chosen?.variant;
  const selected = chosen?.selected ?? {};
  const variantImage = variant ? variantImageIndex(product.images, variant) : undefined;
  const mainIndex = imageIndex !== undefined && product.images[imageIndex] ? imageIndex : (variantImage ?? 0);
  const main = product.images[mainIndex];
  const pageUrl = (extra: Record<string, string> = {}) => productUrl(product.slug, options, selected, extra);
  const picker = variant !== undefined && product.variants.length > 1;
  return (
    <Layout
      ctx={ctx}
      title={head.title}
      description={head.description}
      meta={head.meta}
      scripts={[...(picker && ctx.scripts?.variantPicker ? [ctx.scripts.variantPicker] : []), ...(purchase && purchaseScript ? [purchaseScript] : [])]}
    >
      <div class="container">
        <Breadcrumb trail={[{ label: 'Home', href: '/' }, { label: product.category.name, href: `/c/${product.category.slug}` }, { label: product.name }]} />
        <div class="product">
          <div class="gallery">
            {main ? (
              <div class="gallery__main" data-gallery-main>
                <Picture image={main} sizes="(min-width: 64rem) 40rem, 100vw" priority />
              </div>
            ) : null}
            {product.images.length > 1 ? (
              <ul class="gallery__thumbs" aria-label="More images">
                {product.images.map((img, i) => (
                  <li key={img.url}>
                    <a href={pageUrl({ image: String(i + 1) })} aria-current={i === mainIndex ? 'true' : undefined} data-image-index={i}>
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
            {variant ? (
              <>
                <div class="product__price" data-variant-price>
                  <Price price={variant.price} compareAt={variant.compareAtPrice} locale={ctx.locale} />
                  <p class="price__saving" data-variant-saving hidden={saving(variant, ctx.locale) === null}>
                    {saving(variant, ctx.locale)}
                  </p>
                </div>
                {chosen?.fallback ? (
                  <p class="notice notice--warning" role="status" data-variant-note>
                    That combination is not available, so this shows {variant.title}.
                  </p>
                ) : null}
                {picker ? (
                  <VariantPicker product={product} options={options} selected={selected} locale={ctx.locale} />
                ) : null}
                <p class={stockClass(variant)} data-variant-stock>
                  {stockText(variant)}
                </p>
                <p class="product__sku">
                  SKU <span data-variant-sku>{variant.sku}</span>
                </p>
                {/* The add-to-cart slot: the checkout's form for the chosen variant goes here. */}
                <div class="product__purchase" data-purchase>
                  {purchase?.(variant)}
                </div>
                <p class="visually-hidden" aria-live="polite" data-variant-announce></p>
              </>
            ) : (
              <p class="stock-line stock-line--out">Not available</p>
            )}
            {/* Sanitised when written (catalog.markdown.ts); a row from before that shows its text as it is. */}
            {product.descriptionHtml !== '' ? <div class="product__desc prose" dangerouslySetInnerHTML={{ __html: product.descriptionHtml }} /> : <p class="product__desc">{product.description}</p>}
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

/**
 * Dawn's picker: one fieldset of radio "pills" per option. Sold-out and unavailable values stay visible
 * and selectable (the page then says "Sold out"), struck through and named as such for screen readers.
 * Without JavaScript it is a GET form to this page; with it, the script answers each change in place.
 */
function VariantPicker({ product, options, selected, locale }: { product: ProductDetail; options: VariantOption[]; selected: Record<string, string>; locale: string }) {
  const states = valueStates(options, product.variants, selected);
  return (
    <form
      class="variant-picker"
      action={`/p/${product.slug}`}
      method="get"
      data-variant-picker
      data-options={JSON.stringify(options.map((o) => o.name))}
      data-variants={JSON.stringify(product.variants.map((v) => variantData(product, v, locale)))}
      data-images={JSON.stringify(product.images.map((img) => ({ url: img.url, alt: img.alt, width: img.width, height: img.height, sources: img.sources })))}
    >
      {options.map((option, oi) => (
        <fieldset key={option.name} class="variant-picker__option">
          <legend>
            {option.name}
            <span class="variant-picker__chosen" aria-hidden="true" data-chosen-value>
              {selected[option.name] ?? ''}
            </span>
          </legend>
          <div class="variant-picker__values">
            {option.values.map((value, vi) => {
              const id = `option-${oi}-${vi}`;
              const state = states.get(option.name)?.get(value) ?? 'unavailable';
              return (
                <span key={value} class="pill">
                  <input class="pill__input" type="radio" id={id} name={option.name} value={value} checked={selected[option.name] === value} />
                  <label class={state === 'available' ? 'pill__label' : 'pill__label pill__label--out'} for={id} data-state={state}>
                    {value}
                    <span class="visually-hidden" data-state-text>
                      {state === 'sold_out' ? ', sold out' : state === 'unavailable' ? ', unavailable' : ''}
                    </span>
                  </label>
                </span>
              );
            })}
          </div>
        </fieldset>
      ))}
      <button type="submit" class="button button--secondary variant-picker__submit" data-picker-submit>
        Show this choice
      </button>
    </form>
  );
}

/** What the script needs of each variant, formatted here so the browser does no money arithmetic. */
function variantData(product: ProductDetail, v: ProductVariant, locale: string) {
  return {
    id: v.id,
    title: v.title,
    options: v.options,
    sku: v.sku,
    price: formatMoney(v.price, locale),
    compareAt: v.compareAtPrice && v.compareAtPrice.amount > v.price.amount ? formatMoney(v.compareAtPrice, locale) : null,
    saving: saving(v, locale),
    stock: stockText(v),
    stockClass: stockClass(v),
    forSale: v.stock !== 'sold_out',
    image: variantImageIndex(product.images, v) ?? null,
  };
}

/** "Save £14.00 (20%)" when the variant is on sale, else null. */
function saving(v: ProductVariant, locale: string): string | null {
  const compareAt = v.compareAtPrice;
  if (compareAt === null || compareAt.amount <= v.price.amount) return null;
  const off = compareAt.amount - v.price.amount;
  const percent = Math.floor((off * 100) / compareAt.amount);
  return `Save ${formatMoney({ amount: off, currency: v.price.currency }, locale)}${percent >= 1 ? ` (${percent}%)` : ''}`;
}

function stockText(v: ProductVariant): string {
  return v.stock === 'sold_out' ? 'Sold out' : v.stock === 'low_stock' ? `Only ${v.available} left` : 'In stock';
}

function stockClass(v: ProductVariant): string {
  return v.stock === 'sold_out' ? 'stock-line stock-line--out' : v.stock === 'low_stock' ? 'stock-line stock-line--low' : 'stock-line stock-line--in';
}

/** This page's URL for a selection: option values in option order, then any extra (e.g. the image). */
function productUrl(slug: string, options: VariantOption[], selected: Record<string, string>, extra: Record<string, string>): string {
  const query = new URLSearchParams();
  for (const option of options) {
    const value = selected[option.name];
    if (value !== undefined) query.append(option.name, value);
  }
  for (const [name, value] of Object.entries(extra)) query.append(name, value);
  const search = query.toString();
  return search === '' ? `/p/${slug}` : `/p/${slug}?${search}`;
}
