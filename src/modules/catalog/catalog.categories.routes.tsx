import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { CategoriesPage, CategoryFormPage, DeleteCategoryPage, formValuesOf, type CategoryFormValues } from './admin/category-pages.js';
import type { CategoriesService, CategoryNode, CategoryPatch, ChangedBy } from './catalog.categories.service.js';
import * as S from './catalog.structure.schemas.js';

const tags = ['catalog'];

export const changedBy = (principal: StaffPrincipal, request: FastifyRequest): ChangedBy => ({
  actor: { type: 'staff', id: principal.userId, role: principal.role },
  ...requestContext(request),
});

const toJson = ({ children: _children, ...c }: CategoryNode) => c;

const fieldOf = (code: string): string | undefined =>
  ({
    CATALOG_NAME_REQUIRED: 'name',
    CATALOG_INVALID_SLUG: 'slug',
    CATALOG_CATEGORY_SLUG_TAKEN: 'slug',
    CATALOG_CATEGORY_CYCLE: 'parentId',
    CATALOG_CATEGORY_TOO_DEEP: 'parentId',
  })[code];

/**
 * Categories for staff: reading needs `catalog.read`, changing `catalog.write`. The staff API under
 * /api/v1/admin/catalog/categories and the pages under /admin/categories.
 */
export function registerCategoryRoutes(app: FastifyInstance, shell: AdminShell, deps: { categories: CategoriesService; locale: string }): void {
  const { categories, locale } = deps;
  const { guard, pages } = shell;

  app.get('/api/v1/admin/catalog/categories', { schema: { tags, summary: 'Every category, depth-first in menu order, with its depth and path', response: { 200: S.AdminCategoryList } } }, async (request) => {
    await guard.require(request, 'catalog.read');
    return { items: (await categories.flat()).map(toJson) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/admin/catalog/categories/:id', { schema: { tags, params: S.IdParams, response: { 200: S.AdminCategory } } }, async (request) => {
    await guard.require(request, 'catalog.read');
    return toJson(await categories.get(request.params.id));
  });

  app.post<{ Body: S.CategoryCreate }>(
    '/api/v1/admin/catalog/categories',
    { schema: { tags, summary: 'Creates a category (at most three levels deep); audited', body: S.CategoryCreateBody, response: { 201: S.AdminCategory } } },
    async (request, reply) => {
      const principal = await guard.require(request, 'catalog.write');
      return reply.code(201).send(toJson(await categories.create(request.body, changedBy(principal, request))));
    },
  );

  app.patch<{ Params: { id: string }; Body: CategoryPatch }>(
    '/api/v1/admin/catalog/categories/:id',
    { schema: { tags, summary: 'Renames, edits, moves (no cycles, three levels at most) or reorders a category; an old slug redirects; audited', params: S.IdParams, body: S.CategoryPatchBody, response: { 200: S.AdminCategory } } },
    async (request) => {
      const principal = await guard.require(request, 'catalog.write');
      return toJson(await categories.update(request.params.id, request.body, changedBy(principal, request)));
    },
  );

  app.put<{ Body: { parentId: string | null; ids: string[] } }>(
    '/api/v1/admin/catalog/categories/order',
    { schema: { tags, summary: 'Sets the order of the categories under one parent (null: the top level); audited', body: S.CategoryOrderBody } },
    async (request, reply) => {
      const principal = await guard.require(request, 'catalog.write');
      await categories.reorder(request.body.parentId, request.body.ids, changedBy(principal, request));
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/v1/admin/catalog/categories/:id',
    { schema: { tags, summary: 'Deletes a category without products and subcategories (409 otherwise); audited', params: S.IdParams } },
    async (request, reply) => {
      const principal = await guard.require(request, 'catalog.write');
      await categories.remove(request.params.id, changedBy(principal, request));
      return reply.code(204).send();
    },
  );

  // --- pages ---------------------------------------------------------------------------------------------
  const formInput = (body: Record<string, string | undefined>): CategoryFormValues => ({
    name: body.name ?? '',
    slug: body.slug ?? '',
    description: body.description ?? '',
    seoTitle: body.seoTitle ?? '',
    seoDescription: body.seoDescription ?? '',
    parentId: body.parentId ?? '',
  });

  const renderForm = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, category: CategoryNode | undefined, values: CategoryFormValues, extra: { errors?: FormError[]; done?: string | undefined } = {}) => {
    const [ctx, all] = await Promise.all([pages.contextOf(request, principal), categories.flat()]);
    return sendAdminPage(reply, <CategoryFormPage ctx={ctx} category={category} categories={all} values={values} canWrite={can(principal.role, 'catalog.write')} {...extra} />);
  };

  app.get<{ Querystring: { done?: string } }>('/admin/categories', { schema: { hide: true, querystring: S.DoneQuery } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.read');
    if (principal === undefined) return reply;
    const [ctx, all] = await Promise.all([pages.contextOf(request, principal), categories.flat()]);
    return sendAdminPage(reply, <CategoriesPage ctx={ctx} locale={locale} categories={all} canWrite={can(principal.role, 'catalog.write')} done={request.query.done} />);
  });

  app.get('/admin/categories/new', { schema: { hide: true } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    return renderForm(request, reply, principal, undefined, formInput({}));
  });

  app.post<{ Body: Record<string, string | undefined> }>('/admin/categories', { schema: { hide: true, body: S.CategoryForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const values = formInput(request.body);
    try {
      const created = await categories.create(
        { name: values.name, slug: values.slug, description: values.description, seoTitle: values.seoTitle, seoDescription: values.seoDescription, parentId: values.parentId || null },
        changedBy(principal, request),
      );
      return reply.redirect(`/admin/categories/${created.id}?done=created`, 303);
    } catch (err) {
      return renderForm(request, reply, principal, undefined, values, { errors: formErrorsOf(err, reply, fieldOf) });
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/admin/categories/:id', { schema: { hide: true, params: S.IdParams, querystring: S.DoneQuery } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.read');
    if (principal === undefined) return reply;
    const category = await categories.get(request.params.id);
    return renderForm(request, reply, principal, category, formValuesOf(category), { done: request.query.done });
  });

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/admin/categories/:id', { schema: { hide: true, params: S.IdParams, body: S.CategoryForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const category = await categories.get(request.params.id);
    const values = formInput(request.body);
    try {
      await categories.update(
        category.id,
        { name: values.name, slug: values.slug, description: values.description, seoTitle: values.seoTitle, seoDescription: values.seoDescription, parentId: values.parentId || null },
        changedBy(principal, request),
      );
      return reply.redirect(`/admin/categories/${category.id}?done=saved`, 303);
    } catch (err) {
      return renderForm(request, reply, principal, category, values, { errors: formErrorsOf(err, reply, fieldOf) });
    }
  });

  app.post<{ Params: { id: string }; Body: { direction: 'up' | 'down' } }>('/admin/categories/:id/move', { schema: { hide: true, params: S.IdParams, body: S.MoveForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const category = await categories.get(request.params.id);
    const siblings = (await categories.flat()).filter((c) => c.parentId === category.parentId).map((c) => c.id);
    const at = siblings.indexOf(category.id);
    const to = request.body.direction === 'up' ? at - 1 : at + 1;
    if (to >= 0 && to < siblings.length) {
      [siblings[at], siblings[to]] = [siblings[to]!, siblings[at]!];
      await categories.reorder(category.parentId, siblings, changedBy(principal, request));
    }
    return reply.redirect('/admin/categories?done=moved', 303);
  });

  app.get<{ Params: { id: string } }>('/admin/categories/:id/delete', { schema: { hide: true, params: S.IdParams } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const [ctx, category] = await Promise.all([pages.contextOf(request, principal), categories.get(request.params.id)]);
    return sendAdminPage(reply, <DeleteCategoryPage ctx={ctx} category={category} />);
  });

  app.post<{ Params: { id: string } }>('/admin/categories/:id/delete', { schema: { hide: true, params: S.IdParams, body: S.ConfirmForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const category = await categories.get(request.params.id);
    try {
      await categories.remove(category.id, changedBy(principal, request));
      return reply.redirect('/admin/categories?done=deleted', 303);
    } catch (err) {
      const errors = formErrorsOf(err, reply);
      const ctx = await pages.contextOf(request, principal);
      return sendAdminPage(reply, <DeleteCategoryPage ctx={ctx} category={await categories.get(category.id)} errors={errors} />);
    }
  });
}
