import type { VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import type { Collection } from '../catalog.collections.service.js';
import { ruleRows } from '../catalog.structure.schemas.js';
import { SelectField, TextArea, TextField } from './structure-fields.js';

const notices: Record<string, string> = {
  created: 'Collection created.',
  saved: 'Collection saved.',
  deleted: 'Collection deleted. Its address no longer works.',
};

/** Collections: hand-picked and rule-based, published or hidden. */
export function CollectionsPage(props: { ctx: AdminContext; locale: string; collections: Collection[]; canWrite: boolean; done?: string | undefined }): VNode {
  const { ctx } = props;
  const n = new Intl.NumberFormat(props.locale);
  const date = new Intl.DateTimeFormat(props.locale, { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return (
    <AdminLayout ctx={ctx} title="Collections">
      <div class="admin-head admin-head--actions">
        <h1>
          Collections <span class="admin-head__count tabular">{n.format(props.collections.length)}</span>
        </h1>
        {props.canWrite ? (
          <a class="button" href="/admin/collections/new">
            New collection
          </a>
        ) : null}
      </div>
      <p class="muted">Groups of products across categories: picked by hand, or gathered by rules (category, tag, price, on sale).</p>
      {props.done && notices[props.done] ? <Notice>{notices[props.done]}</Notice> : null}
      {props.collections.length === 0 ? (
        <p class="empty">No collections yet. Create one for a season, a gift guide or everything on sale.</p>
      ) : (
        <div class="table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Collections</caption>
            <thead>
              <tr>
                <th scope="col">Title</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col" class="num">
                  Products
                </th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {props.collections.map((c) => (
                <tr key={c.id}>
                  <td>
                    <a href={`/admin/collections/${c.id}`}>{c.title}</a>
                  </td>
                  <td>{c.kind === 'manual' ? 'Hand-picked' : `Rules (${c.rules.rules.length})`}</td>
                  <td>{c.published ? <span class="badge badge--ok">Published</span> : <span class="badge">Hidden</span>}</td>
                  <td class="num tabular">{c.kind === 'manual' ? n.format(c.productCount) : <span class="muted">by rules</span>}</td>
                  <td class="nowrap">{date.format(c.updatedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}

export interface RuleRowValues {
  field: string;
  op: string;
  value: string;
}

export interface CollectionFormValues {
  title: string;
  slug: string;
  description: string;
  seoTitle: string;
  seoDescription: string;
  published: boolean;
  kind: 'manual' | 'rule';
  match: 'all' | 'any';
  rules: RuleRowValues[];
  /** Slugs or SKUs, one a line. */
  products: string;
}

const fieldOptions = [
  { value: '', label: '— no rule —' },
  { value: 'category', label: 'Category' },
  { value: 'tag', label: 'Tag' },
  { value: 'price', label: 'Price' },
  { value: 'on_sale', label: 'On sale' },
];
const opOptions = [
  { value: 'eq', label: 'is' },
  { value: 'lt', label: 'is less than' },
  { value: 'lte', label: 'is at most' },
  { value: 'gt', label: 'is more than' },
  { value: 'gte', label: 'is at least' },
];

/** New and edit: details, what goes in (rules or a list of products), publishing and SEO; delete behind a confirmation. */
export function CollectionFormPage(props: { ctx: AdminContext; collection?: Collection | undefined; values: CollectionFormValues; errors?: FormError[]; canWrite: boolean; done?: string | undefined }): VNode {
  const { ctx, collection } = props;
  const errors = props.errors ?? [];
  const v = props.values;
  const title = collection ? `Edit ${collection.title}` : 'New collection';
  const rows = Array.from({ length: ruleRows }, (_, i) => v.rules[i] ?? { field: '', op: 'eq', value: '' });
  const save = (
    <button class="button" type="submit">
      {collection ? 'Save collection' : 'Create collection'}
    </button>
  );
  return (
    <AdminLayout ctx={ctx} title={title} errors={errors}>
      <p>
        <a href="/admin/collections">← Collections</a>
      </p>
      <div class="admin-head">
        <h1>{title}</h1>
        {collection ? <p>At /collections/{collection.slug}</p> : null}
      </div>
      {props.done && notices[props.done] ? <Notice>{notices[props.done]}</Notice> : null}
      {props.canWrite ? (
        <PostForm action={collection ? `/admin/collections/${collection.id}` : '/admin/collections'} csrf={ctx.csrf} novalidate>
          <div class="button-row">{save}</div>
          <div class="admin-columns admin-columns--form">
            <div>
              <section class="admin-card" aria-labelledby="details-title">
                <h2 id="details-title">Details</h2>
                <TextField id="title" label="Title" value={v.title} errors={errors} maxLength={120} />
                <TextArea id="description" label="Description" hint="Markdown: **bold**, *italic*, lists and links. HTML is not allowed." value={v.description} errors={errors} rows={6} />
                <TextField
                  id="slug"
                  label="Address"
                  hint={collection ? 'Changing it keeps the old address working: it redirects here.' : 'Lowercase letters, digits and hyphens. Leave empty to make one from the title.'}
                  value={v.slug}
                  errors={errors}
                  maxLength={120}
                />
              </section>
              <section class="admin-card" aria-labelledby="contents-title">
                <h2 id="contents-title">Products</h2>
                <fieldset class="fieldset">
                  <legend class="field__label">How products join</legend>
                  <div class="checkbox">
                    <input class="checkbox__input" type="radio" id="kind-manual" name="kind" value="manual" checked={v.kind === 'manual'} />
                    <label class="checkbox__label" for="kind-manual">
                      Picked by hand, in the order listed below
                    </label>
                  </div>
                  <div class="checkbox">
                    <input class="checkbox__input" type="radio" id="kind-rule" name="kind" value="rule" checked={v.kind === 'rule'} />
                    <label class="checkbox__label" for="kind-rule">
                      Gathered by rules: products join and leave as they change
                    </label>
                  </div>
                </fieldset>
                <TextArea id="products" label="Hand-picked products" hint="One product a line, by its address (slug) or a variant's SKU, in display order. Used when picked by hand." value={v.products} errors={errors} rows={6} />
                <fieldset class="fieldset" aria-describedby="rules-hint">
                  <legend class="field__label">Rules</legend>
                  <p class="field__hint" id="rules-hint">
                    Used when gathered by rules. Category: its address (slug), subcategories included. Tag: the tag. Price: in the shop's currency, like 25.00. On sale: yes or no.
                  </p>
                  <SelectField
                    id="match"
                    label="Products must match"
                    value={v.match}
                    options={[
                      { value: 'all', label: 'all of the rules' },
                      { value: 'any', label: 'any of the rules' },
                    ]}
                    errors={errors}
                  />
                  {rows.map((r, i) => (
                    <div class="rule-row" key={i}>
                      <SelectField id={`rule${i}Field`} label={`Rule ${i + 1}: field`} value={r.field} options={fieldOptions} errors={errors} />
                      <SelectField id={`rule${i}Op`} label={`Rule ${i + 1}: condition`} value={r.op} options={opOptions} errors={errors} />
                      <TextField id={`rule${i}Value`} label={`Rule ${i + 1}: value`} value={r.value} errors={errors} maxLength={120} />
                    </div>
                  ))}
                </fieldset>
              </section>
            </div>
            <div>
              <section class="admin-card" aria-labelledby="publish-title">
                <h2 id="publish-title">Visibility</h2>
                <div class="checkbox">
                  <input class="checkbox__input" type="checkbox" id="published" name="published" value="on" checked={v.published} />
                  <label class="checkbox__label" for="published">
                    Published
                    <span class="checkbox__hint">Shown in the shop and its API.</span>
                  </label>
                </div>
              </section>
              <section class="admin-card" aria-labelledby="seo-heading">
                <h2 id="seo-heading">Search engines</h2>
                <TextField id="seoTitle" label="Page title" hint="Leave empty to use the title." value={v.seoTitle} errors={errors} maxLength={120} />
                <TextArea id="seoDescription" label="Meta description" hint="About 150 characters." value={v.seoDescription} errors={errors} rows={3} />
              </section>
            </div>
          </div>
          <div class="button-row">{save}</div>
        </PostForm>
      ) : (
        <p class="muted">Your role can read collections but not change them.</p>
      )}
      {collection && props.canWrite ? (
        <section class="admin-section" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete</h2>
          <a class="button button--danger" href={`/admin/collections/${collection.id}/delete`}>
            Delete collection
          </a>
        </section>
      ) : null}
    </AdminLayout>
  );
}

export function DeleteCollectionPage(props: { ctx: AdminContext; collection: Collection }): VNode {
  const { ctx, collection } = props;
  return (
    <AdminLayout ctx={ctx} title={`Delete ${collection.title}`}>
      <div class="admin-head">
        <h1>Delete {collection.title}?</h1>
        <p>The collection and its address go for good. Its products stay in the shop.</p>
      </div>
      <div class="row-actions">
        <PostForm action={`/admin/collections/${collection.id}/delete`} csrf={ctx.csrf}>
          <button class="button button--danger" type="submit">
            Delete collection
          </button>
        </PostForm>
        <a class="button button--secondary" href={`/admin/collections/${collection.id}`}>
          Keep it
        </a>
      </div>
    </AdminLayout>
  );
}
