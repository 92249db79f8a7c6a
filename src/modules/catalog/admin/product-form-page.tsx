// The table's inputs are assembled as data, which preact's JSX types (keyed by input type) cannot follow.
import { h } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { CsrfField } from '../../../web/forms/csrf-field.js';
import { FieldFrame, type FormError } from '../../../web/forms/fields.js';
import type { ProductView } from '../catalog.products.service.js';
import type { ProductFormValues } from './product-form.js';

interface FormPageProps {
  ctx: AdminContext;
  /** Absent when creating. */
  product?: ProductView;
  values: ProductFormValues;
  categories: { id: string; name: string }[];
  errors?: FormError[];
  canPrice: boolean;
  currencySymbol: string;
  notice?: string | undefined;
}

const errorOf = (errors: FormError[] | undefined, id: string) => errors?.find((e) => e.field === id);

function Text(props: { id: string; label: string; hint?: string; value: string; errors?: FormError[] | undefined; maxLength?: number; spellcheck?: boolean }) {
  return (
    <FieldFrame
      id={props.id}
      label={props.label}
      hint={props.hint}
      errors={props.errors}
      control={(aria) =>
        h('input', { class: 'field__input', id: props.id, name: props.id, type: 'text', value: props.value, autocomplete: 'off', ...(props.maxLength ? { maxLength: props.maxLength } : {}), ...(props.spellcheck === false ? { spellcheck: false } : {}), ...aria })
      }
    />
  );
}

/** One cell input of the variants table, labelled for screen readers by its column and row. */
function Cell(props: { id: string; label: string; value: string; errors?: FormError[] | undefined; inputMode?: 'decimal' | 'numeric'; readOnly?: boolean; width?: 'narrow' | 'wide' }) {
  const error = errorOf(props.errors, props.id);
  return h('input', {
    class: `field__input cell-input${props.width ? ` cell-input--${props.width}` : ''}${error ? ' cell-input--error' : ''}`,
    id: props.id,
    name: props.id,
    type: 'text',
    value: props.value,
    autocomplete: 'off',
    spellcheck: false,
    'aria-label': props.label,
    ...(props.inputMode ? { inputMode: props.inputMode } : {}),
    ...(props.readOnly ? { readOnly: true, 'aria-describedby': 'price-lock' } : {}),
    ...(error ? { 'aria-invalid': 'true', 'aria-describedby': `${props.id}-error` } : {}),
  });
}

function SaveBar({ product, label }: { product?: ProductView | undefined; label: string }) {
  return (
    <div class="save-bar">
      <button class="button" type="submit">
        {label}
      </button>
      <a class="button button--secondary" href="/admin/products">
        Cancel
      </a>
      {product?.status === 'active' ? <a href={`/p/${product.slug}`}>View in shop</a> : null}
    </div>
  );
}

/**
 * Create and edit a product: the main column holds the words and the variants, the side column status,
 * organisation and SEO; Save at the top and at the bottom. Archiving is a separate confirmation page.
 */
export function ProductFormPage(props: FormPageProps) {
  const { ctx, product, values, errors } = props;
  const title = product ? product.name : 'Add product';
  const action = product ? `/admin/products/${product.id}` : '/admin/products/new';
  const saveLabel = product ? 'Save product' : 'Add product';
  const optionNames = values.options.map((o, i) => o.name.trim() || `Option ${i + 1}`);
  const optionUsed = values.options.map((o) => o.name.trim() !== '' || o.values.trim() !== '');
  return (
    <AdminLayout ctx={ctx} title={title} {...(errors ? { errors } : {})}>
      <p class="admin-back">
        <a href="/admin/products">Products</a>
      </p>
      <form method="post" action={action} class="product-form" noValidate>
        <CsrfField token={ctx.csrf} />
        <div class="admin-head admin-head--split">
          <h1>{title}</h1>
          <SaveBar product={product} label={saveLabel} />
        </div>
        {props.notice ? (
          <div class="notice notice--success" role="status">
            {props.notice}
          </div>
        ) : null}
        <div class="product-form__grid">
          <div class="product-form__main">
            <section class="admin-card" aria-labelledby="basics">
              <h2 id="basics">Product</h2>
              <Text id="name" label="Name" value={values.name} errors={errors} maxLength={200} />
              <FieldFrame
                id="description"
                label="Description"
                hint="Markdown: **bold**, *italic*, - lists, [links](https://example.com). HTML is shown as text."
                errors={errors}
                control={(aria) => h('textarea', { class: 'field__input field__textarea', id: 'description', name: 'description', rows: 10, ...aria }, values.description)}
              />
            </section>

            <section class="admin-card" aria-labelledby="options-title">
              <h2 id="options-title">Options</h2>
              <p class="field__hint">Such as Size or Colour, each with its values separated by commas, in the order the shop shows them. Leave empty for a product sold one way.</p>
              <div class="options-grid">
                {values.options.map((o, i) => (
                  <div class="options-grid__row" key={i}>
                    <Text id={`o.${i}.name`} label={`Option ${i + 1} name`} value={o.name} errors={errors} maxLength={40} />
                    <Text id={`o.${i}.values`} label={`Option ${i + 1} values`} value={o.values} errors={errors} />
                  </div>
                ))}
              </div>
            </section>

            <section class="admin-card" aria-labelledby="variants-title">
              <h2 id="variants-title">Variants</h2>
              <p class="field__hint" id="variants-hint">
                One row per combination of option values. Prices in {props.currencySymbol}, such as 24.00; weight in grams. Fill an empty row to add a variant.
                {product ? ' Stock of existing variants is changed under Inventory.' : ''}
              </p>
              {!props.canPrice ? (
                <p class="notice notice--warning" id="price-lock">
                  Your role cannot set or change prices. Ask a catalog manager to price new variants.
                </p>
              ) : null}
              <div class="table-wrap">
                <table class="admin-table variants-table">
                  <caption class="visually-hidden">Variants</caption>
                  <thead>
                    <tr>
                      {optionNames.map((name, i) => (optionUsed[i] ? <th scope="col" key={i}>{name}</th> : null))}
                      <th scope="col">SKU</th>
                      <th scope="col" class="num">
                        Price
                      </th>
                      <th scope="col" class="num">
                        Compare-at
                      </th>
                      <th scope="col" class="num">
                        Weight (g)
                      </th>
                      <th scope="col">Barcode</th>
                      <th scope="col" class="num">
                        {product ? 'Opening stock (new rows)' : 'Opening stock'}
                      </th>
                      {product ? <th scope="col">Remove</th> : null}
                    </tr>
                  </thead>
                  <tbody>
                    {values.variants.map((v, i) => {
                      const n = i + 1;
                      const locked = !props.canPrice;
                      return (
                        <tr key={i}>
                          {optionNames.map((name, j) =>
                            optionUsed[j] ? (
                              <td key={j}>
                                <Cell id={`v.${i}.o${j}`} label={`${name}, variant ${n}`} value={v.values[j] ?? ''} errors={errors} />
                              </td>
                            ) : null,
                          )}
                          <td>
                            {v.id !== '' ? <input type="hidden" name={`v.${i}.id`} value={v.id} /> : null}
                            <Cell id={`v.${i}.sku`} label={`SKU, variant ${n}`} value={v.sku} errors={errors} width="wide" />
                          </td>
                          <td class="num">
                            <Cell id={`v.${i}.price`} label={`Price, variant ${n}`} value={v.price} errors={errors} inputMode="decimal" readOnly={locked} width="narrow" />
                          </td>
                          <td class="num">
                            <Cell id={`v.${i}.compareAt`} label={`Compare-at price, variant ${n}`} value={v.compareAt} errors={errors} inputMode="decimal" readOnly={locked} width="narrow" />
                          </td>
                          <td class="num">
                            <Cell id={`v.${i}.weight`} label={`Weight in grams, variant ${n}`} value={v.weight} errors={errors} inputMode="numeric" width="narrow" />
                          </td>
                          <td>
                            <Cell id={`v.${i}.barcode`} label={`Barcode, variant ${n}`} value={v.barcode} errors={errors} inputMode="numeric" />
                          </td>
                          <td class="num">
                            {v.id === '' ? <Cell id={`v.${i}.stock`} label={`Opening stock, variant ${n}`} value={v.stock} errors={errors} inputMode="numeric" width="narrow" /> : <span class="muted">—</span>}
                          </td>
                          {product ? (
                            <td>
                              {v.id !== '' ? h('input', { type: 'checkbox', class: 'checkbox', name: `v.${i}.remove`, id: `v.${i}.remove`, 'aria-label': `Remove variant ${n} (${v.sku})`, ...(v.remove ? { checked: true } : {}) }) : null}
                            </td>
                          ) : null}
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {(errors ?? []).some((e) => e.field?.startsWith('v.')) ? (
                <ul class="variants-errors">
                  {(errors ?? [])
                    .filter((e) => e.field?.startsWith('v.'))
                    .map((e) => (
                      <li key={e.field} id={`${e.field}-error`} class="field__error">
                        <span class="visually-hidden">Error: </span>
                        {e.message}
                      </li>
                    ))}
                </ul>
              ) : null}
            </section>
          </div>

          <div class="product-form__side">
            <section class="admin-card" aria-labelledby="status-title">
              <h2 id="status-title">Status</h2>
              <FieldFrame
                id="status"
                label="Status"
                hint="Only active products show in the shop."
                errors={errors}
                control={(aria) =>
                  h(
                    'select',
                    { class: 'field__select', id: 'status', name: 'status', ...aria },
                    (['draft', 'active', 'archived'] as const).map((s) => h('option', { key: s, value: s, selected: values.status === s }, s === 'draft' ? 'Draft' : s === 'active' ? 'Active' : 'Archived')),
                  )
                }
              />
              <div class="field field--checkbox">
                {h('input', { type: 'checkbox', class: 'checkbox', id: 'featured', name: 'featured', value: 'on', ...(values.featured ? { checked: true } : {}) })}
                <label for="featured">Featured on the home page</label>
              </div>
            </section>

            <section class="admin-card" aria-labelledby="organise-title">
              <h2 id="organise-title">Organisation</h2>
              <FieldFrame
                id="categoryId"
                label="Category"
                errors={errors}
                control={(aria) =>
                  h(
                    'select',
                    { class: 'field__select', id: 'categoryId', name: 'categoryId', ...aria },
                    [h('option', { value: '' }, 'Choose a category'), ...props.categories.map((c) => h('option', { key: c.id, value: c.id, selected: values.categoryId === c.id }, c.name))],
                  )
                }
              />
              <Text id="tags" label="Tags" hint="Separated by commas, such as linen, summer" value={values.tags} errors={errors} />
              <Text id="slug" label="URL slug" hint={product ? 'Changing it keeps the old address working: it redirects here.' : 'Leave empty to make one from the name.'} value={values.slug} errors={errors} maxLength={120} spellcheck={false} />
            </section>

            <section class="admin-card" aria-labelledby="seo-title-h">
              <h2 id="seo-title-h">Search engines</h2>
              <Text id="seoTitle" label="SEO title" hint="70 characters at most; the name is used when empty." value={values.seoTitle} errors={errors} maxLength={70} />
              <FieldFrame
                id="seoDescription"
                label="SEO description"
                hint="320 characters at most."
                errors={errors}
                control={(aria) => h('textarea', { class: 'field__input field__textarea field__textarea--short', id: 'seoDescription', name: 'seoDescription', rows: 3, maxLength: 320, ...aria }, values.seoDescription)}
              />
            </section>

            {product ? (
              <section class="admin-card" aria-labelledby="more-title">
                <h2 id="more-title">More</h2>
                <ul class="admin-links">
                  <li>
                    <a href={`/admin/products/${product.id}/images`}>Images</a>
                  </li>
                  <li>
                    <a href={`/admin/inventory?product=${product.id}`}>Stock levels</a>
                  </li>
                  {product.status !== 'archived' ? (
                    <li>
                      <a class="danger-link" href={`/admin/products/${product.id}/archive`}>
                        Archive product
                      </a>
                    </li>
                  ) : null}
                </ul>
              </section>
            ) : null}
          </div>
        </div>
        <div class="save-bar save-bar--bottom">
          <SaveBar product={product} label={saveLabel} />
        </div>
      </form>
    </AdminLayout>
  );
}

/** Archiving is destructive for the shop (the product leaves it), so it has its own confirmation page. */
export function ArchiveProductPage({ ctx, product }: { ctx: AdminContext; product: ProductView }) {
  return (
    <AdminLayout ctx={ctx} title={`Archive ${product.name}`}>
      <p class="admin-back">
        <a href={`/admin/products/${product.id}`}>{product.name}</a>
      </p>
      <div class="admin-card confirm-card">
        <h1>Archive {product.name}?</h1>
        <p>It leaves the shop at once: its page, listings and search. Orders that include it are not affected. You can make it active again later.</p>
        <div class="button-row">
          <form method="post" action={`/admin/products/${product.id}/archive`} class="form">
            <CsrfField token={ctx.csrf} />
            <button class="button button--danger" type="submit">
              Archive product
            </button>
          </form>
          <a class="button button--secondary" href={`/admin/products/${product.id}`}>
            Keep it
          </a>
        </div>
      </div>
    </AdminLayout>
  );
}
