import type { VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { Notice, PostForm, type FormError } from '../../../web/forms/fields.js';
import { maxCategoryDepth, type CategoryNode } from '../catalog.categories.service.js';
import { SelectField, TextArea, TextField } from './structure-fields.js';

const notices: Record<string, string> = {
  created: 'Category created.',
  saved: 'Category saved.',
  moved: 'Order saved.',
  deleted: 'Category deleted. Its address no longer works.',
};

/** The category tree: each category indented under its parent, with its products, order buttons and edit link. */
export function CategoriesPage(props: { ctx: AdminContext; locale: string; categories: CategoryNode[]; canWrite: boolean; done?: string | undefined; errors?: FormError[] }): VNode {
  const { ctx } = props;
  const n = new Intl.NumberFormat(props.locale);
  const siblingsOf = (c: CategoryNode) => props.categories.filter((s) => s.parentId === c.parentId);
  return (
    <AdminLayout ctx={ctx} title="Categories" errors={props.errors ?? []}>
      <div class="admin-head admin-head--actions">
        <h1>
          Categories <span class="admin-head__count tabular">{n.format(props.categories.length)}</span>
        </h1>
        {props.canWrite ? (
          <a class="button" href="/admin/categories/new">
            New category
          </a>
        ) : null}
      </div>
      <p class="muted">Shoppers browse by these. The top level is the storefront menu; categories nest up to {maxCategoryDepth} levels.</p>
      {props.done && notices[props.done] ? <Notice>{notices[props.done]}</Notice> : null}
      {props.categories.length === 0 ? (
        <p class="empty">No categories yet. Create one to start grouping products for shoppers.</p>
      ) : (
        <div class="table-wrap">
          <table class="admin-table">
            <caption class="visually-hidden">Categories in menu order, subcategories under their parent</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Address</th>
                <th scope="col" class="num">
                  Products
                </th>
                {props.canWrite ? <th scope="col">Order</th> : null}
              </tr>
            </thead>
            <tbody>
              {props.categories.map((c) => {
                const siblings = siblingsOf(c);
                const index = siblings.findIndex((s) => s.id === c.id);
                return (
                  <tr key={c.id}>
                    <td class={`tree-cell tree-cell--${c.depth}`}>
                      {c.depth > 1 ? <span aria-hidden="true">└ </span> : null}
                      <a href={`/admin/categories/${c.id}`}>{c.name}</a>
                      {c.depth > 1 ? <span class="visually-hidden"> (in {c.path.slice(0, -1).join(' › ')})</span> : null}
                    </td>
                    <td>
                      <code>/c/{c.slug}</code>
                    </td>
                    <td class="num tabular">{n.format(c.productCount)}</td>
                    {props.canWrite ? (
                      <td>
                        <div class="row-actions">
                          {(['up', 'down'] as const).map((direction) =>
                            (direction === 'up' ? index > 0 : index < siblings.length - 1) ? (
                              <PostForm key={direction} action={`/admin/categories/${c.id}/move`} csrf={ctx.csrf}>
                                <input type="hidden" name="direction" value={direction} />
                                <button class="button button--secondary button--small" type="submit" aria-label={`Move ${c.name} ${direction}`}>
                                  {direction === 'up' ? 'Up' : 'Down'}
                                </button>
                              </PostForm>
                            ) : null,
                          )}
                        </div>
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </AdminLayout>
  );
}

export interface CategoryFormValues {
  name: string;
  slug: string;
  description: string;
  seoTitle: string;
  seoDescription: string;
  parentId: string;
}

export const formValuesOf = (c: CategoryNode): CategoryFormValues => ({
  name: c.name,
  slug: c.slug,
  description: c.description,
  seoTitle: c.seoTitle,
  seoDescription: c.seoDescription,
  parentId: c.parentId ?? '',
});

/** New and edit: name, address, parent, description and SEO, Save at top and bottom, delete behind a confirmation. */
export function CategoryFormPage(props: {
  ctx: AdminContext;
  category?: CategoryNode | undefined;
  categories: CategoryNode[];
  values: CategoryFormValues;
  errors?: FormError[];
  canWrite: boolean;
  done?: string | undefined;
}): VNode {
  const { ctx, category } = props;
  const errors = props.errors ?? [];
  const v = props.values;
  const title = category ? `Edit ${category.name}` : 'New category';
  // A category cannot go under itself or its own subcategories; the server checks depth and cycles too.
  const below = new Set<string>();
  if (category) for (const c of props.categories) if (c.id === category.id || (c.parentId !== null && below.has(c.parentId))) below.add(c.id);
  const parents = [
    { value: '', label: 'None (top level, shown in the menu)' },
    ...props.categories.filter((c) => !below.has(c.id) && c.depth < maxCategoryDepth).map((c) => ({ value: c.id, label: c.path.join(' › ') })),
  ];
  const save = (
    <button class="button" type="submit">
      {category ? 'Save category' : 'Create category'}
    </button>
  );
  return (
    <AdminLayout ctx={ctx} title={title} errors={errors}>
      <p>
        <a href="/admin/categories">← Categories</a>
      </p>
      <div class="admin-head">
        <h1>{title}</h1>
        {category ? (
          <p>
            At <a href={`/c/${category.slug}`}>/c/{category.slug}</a> · {category.productCount} product{category.productCount === 1 ? '' : 's'}
          </p>
        ) : null}
      </div>
      {props.done && notices[props.done] ? <Notice>{notices[props.done]}</Notice> : null}
      {props.canWrite ? (
        <PostForm action={category ? `/admin/categories/${category.id}` : '/admin/categories'} csrf={ctx.csrf} novalidate>
          <div class="button-row">{save}</div>
          <div class="admin-columns admin-columns--form">
            <section class="admin-card" aria-labelledby="details-title">
              <h2 id="details-title">Details</h2>
              <TextField id="name" label="Name" value={v.name} errors={errors} maxLength={120} />
              <TextArea id="description" label="Description" hint="Shown at the top of the category page. Plain text." value={v.description} errors={errors} rows={5} />
              <TextField
                id="slug"
                label="Address"
                hint={category ? 'Lowercase letters, digits and hyphens. Changing it keeps the old address working: it redirects here.' : 'Lowercase letters, digits and hyphens. Leave empty to make one from the name.'}
                value={v.slug}
                errors={errors}
                maxLength={120}
              />
            </section>
            <div>
              <section class="admin-card" aria-labelledby="place-title">
                <h2 id="place-title">Place in the tree</h2>
                <SelectField id="parentId" label="Parent category" value={v.parentId} options={parents} errors={errors} />
              </section>
              <section class="admin-card" aria-labelledby="seo-title-heading">
                <h2 id="seo-title-heading">Search engines</h2>
                <TextField id="seoTitle" label="Page title" hint="Leave empty to use the name." value={v.seoTitle} errors={errors} maxLength={120} />
                <TextArea id="seoDescription" label="Meta description" hint="About 150 characters." value={v.seoDescription} errors={errors} rows={3} />
              </section>
            </div>
          </div>
          <div class="button-row">{save}</div>
        </PostForm>
      ) : (
        <p class="muted">Your role can read categories but not change them.</p>
      )}
      {category && props.canWrite ? (
        <section class="admin-section" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete</h2>
          <p class="muted">Only a category without products and subcategories can be deleted.</p>
          <a class="button button--danger" href={`/admin/categories/${category.id}/delete`}>
            Delete category
          </a>
        </section>
      ) : null}
    </AdminLayout>
  );
}

/** Deleting is behind this page: what goes, and why it may not be possible. */
export function DeleteCategoryPage(props: { ctx: AdminContext; category: CategoryNode; errors?: FormError[] }): VNode {
  const { ctx, category } = props;
  const blocked = category.productCount > 0 || category.children.length > 0;
  return (
    <AdminLayout ctx={ctx} title={`Delete ${category.name}`} errors={props.errors ?? []}>
      <div class="admin-head">
        <h1>Delete {category.name}?</h1>
        {blocked ? (
          <p>
            This category still holds {category.productCount} product{category.productCount === 1 ? '' : 's'} and {category.children.length} subcategor
            {category.children.length === 1 ? 'y' : 'ies'}. Move them elsewhere first; then it can be deleted.
          </p>
        ) : (
          <p>
            The category and its address /c/{category.slug} go for good (old links will answer "not found"). Products are not affected: it holds none.
          </p>
        )}
      </div>
      <div class="row-actions">
        {blocked ? null : (
          <PostForm action={`/admin/categories/${category.id}/delete`} csrf={ctx.csrf}>
            <button class="button button--danger" type="submit">
              Delete category
            </button>
          </PostForm>
        )}
        <a class="button button--secondary" href={`/admin/categories/${category.id}`}>
          Keep it
        </a>
      </div>
    </AdminLayout>
  );
}
