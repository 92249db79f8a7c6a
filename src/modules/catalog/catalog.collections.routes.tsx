import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { CollectionFormPage, CollectionsPage, DeleteCollectionPage, type CollectionFormValues, type RuleRowValues } from './admin/collection-pages.js';
import type { CategoriesService, CategoryNode } from './catalog.categories.service.js';
import { changedBy } from './catalog.categories.routes.js';
import type { Collection, CollectionInput, CollectionPatch, CollectionsService } from './catalog.collections.service.js';
import { invalidRules } from './catalog.structure.errors.js';
import * as S from './catalog.structure.schemas.js';
import type { CollectionRule } from './catalog.tables.js';

const tags = ['catalog'];

const toJson = (c: Collection) => ({ ...c, updatedAt: c.updatedAt.toISOString() });

const fieldOf = (code: string): string | undefined =>
  ({
    CATALOG_NAME_REQUIRED: 'title',
    CATALOG_INVALID_SLUG: 'slug',
    CATALOG_COLLECTION_SLUG_TAKEN: 'slug',
    CATALOG_COLLECTION_UNKNOWN_PRODUCTS: 'products',
    CATALOG_COLLECTION_INVALID_RULES: 'rule0Field',
  })[code];

/** Minor units from what staff type ("25", "25.5", "25.00"); the shop's currencies have two decimals. */
function minorUnits(text: string): number | undefined {
  const m = /^(\d{1,7})(?:[.,](\d{1,2}))?$/.exec(text.trim());
  if (!m) return undefined;
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'));
}

/** The form's rule rows as rules; category slugs become ids. */
function rulesOf(rows: RuleRowValues[], categories: CategoryNode[]): CollectionRule[] {
  return rows.flatMap((row, i): CollectionRule[] => {
    const value = row.value.trim();
    const where = `Rule ${i + 1}`;
    switch (row.field) {
      case '':
        return [];
      case 'category': {
        const found = categories.find((c) => c.slug === value);
        if (!found) throw invalidRules(`${where}: no category has the address "${value.slice(0, 60)}".`);
        return [{ field: 'category', op: 'eq', value: found.id }];
      }
      case 'tag':
        return [{ field: 'tag', op: 'eq', value }];
      case 'price': {
        const amount = minorUnits(value);
        if (amount === undefined) throw invalidRules(`${where}: enter the price like 25.00.`);
        return [{ field: 'price', op: row.op as CollectionRule['op'], value: amount }];
      }
      case 'on_sale':
        if (value !== 'yes' && value !== 'no') throw invalidRules(`${where}: on sale is "yes" or "no".`);
        return [{ field: 'on_sale', op: 'eq', value: value === 'yes' }];
      default:
        throw invalidRules(`${where}: choose a field.`);
    }
  });
}

function formValuesOf(c: Collection, categories: CategoryNode[]): CollectionFormValues {
  return {
    title: c.title,
    slug: c.slug,
    description: c.description,
    seoTitle: c.seoTitle,
    seoDescription: c.seoDescription,
    published: c.published,
    kind: c.kind,
    match: c.rules.match,
    rules: c.rules.rules.map((r) => ({
      field: r.field,
      op: r.op,
      value:
        r.field === 'category'
          ? (categories.find((x) => x.id === r.value)?.slug ?? '')
          : r.field === 'price'
            ? (Number(r.value) / 100).toFixed(2)
            : r.field === 'on_sale'
              ? r.value
                ? 'yes'
                : 'no'
              : String(r.value),
    })),
    products: c.products.map((p) => p.slug).join('\n'),
  };
}

function formInput(body: Record<string, string | undefined>): CollectionFormValues {
  return {
    title: body.title ?? '',
    slug: body.slug ?? '',
    description: body.description ?? '',
    seoTitle: body.seoTitle ?? '',
    seoDescription: body.seoDescription ?? '',
    published: body.published === 'on',
    kind: body.kind === 'rule' ? 'rule' : 'manual',
    match: body.match === 'any' ? 'any' : 'all',
    rules: Array.from({ length: S.ruleRows }, (_, i) => ({ field: body[`rule${i}Field`] ?? '', op: body[`rule${i}Op`] ?? 'eq', value: body[`rule${i}Value`] ?? '' })),
    products: body.products ?? '',
  };
}

const blank: CollectionFormValues = { title: '', slug: '', description: '', seoTitle: '', seoDescription: '', published: false, kind: 'manual', match: 'all', rules: [], products: '' };

/**
 * Collections: the public definitions (/api/v1/collections), the staff API under
 * /api/v1/admin/catalog/collections (read: `catalog.read`, change: `catalog.write`) and /admin/collections.
 */
export function registerCollectionRoutes(app: FastifyInstance, shell: AdminShell, deps: { collections: CollectionsService; categories: CategoriesService; locale: string }): void {
  const { collections, categories, locale } = deps;
  const { guard, pages } = shell;

  app.get('/api/v1/admin/catalog/collections', { schema: { tags, summary: 'Every collection, published or not', response: { 200: S.AdminCollectionList } } }, async (request) => {
    await guard.require(request, 'catalog.read');
    return { items: (await collections.list()).map(toJson) };
  });

  app.get<{ Params: { id: string } }>('/api/v1/admin/catalog/collections/:id', { schema: { tags, params: S.IdParams, response: { 200: S.AdminCollection } } }, async (request) => {
    await guard.require(request, 'catalog.read');
    return toJson(await collections.get(request.params.id));
  });

  app.post<{ Body: CollectionInput }>(
    '/api/v1/admin/catalog/collections',
    { schema: { tags, summary: 'Creates a hand-picked (products by slug or SKU, in order) or rule-based collection; audited', body: S.CollectionCreateBody, response: { 201: S.AdminCollection } } },
    async (request, reply) => {
      const principal = await guard.require(request, 'catalog.write');
      return reply.code(201).send(toJson(await collections.create(request.body, changedBy(principal, request))));
    },
  );

  app.patch<{ Params: { id: string }; Body: CollectionPatch }>(
    '/api/v1/admin/catalog/collections/:id',
    { schema: { tags, summary: 'Changes a collection; an old slug redirects; audited', params: S.IdParams, body: S.CollectionPatchBody, response: { 200: S.AdminCollection } } },
    async (request) => {
      const principal = await guard.require(request, 'catalog.write');
      return toJson(await collections.update(request.params.id, request.body, changedBy(principal, request)));
    },
  );

  app.delete<{ Params: { id: string } }>('/api/v1/admin/catalog/collections/:id', { schema: { tags, summary: 'Deletes a collection (its products stay); audited', params: S.IdParams } }, async (request, reply) => {
    const principal = await guard.require(request, 'catalog.write');
    await collections.remove(request.params.id, changedBy(principal, request));
    return reply.code(204).send();
  });

  // --- pages ---------------------------------------------------------------------------------------------
  const renderForm = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, collection: Collection | undefined, values: CollectionFormValues, extra: { errors?: FormError[]; done?: string | undefined } = {}) => {
    const ctx = await pages.contextOf(request, principal);
    return sendAdminPage(reply, <CollectionFormPage ctx={ctx} collection={collection} values={values} canWrite={can(principal.role, 'catalog.write')} {...extra} />);
  };

  const inputOf = async (values: CollectionFormValues): Promise<CollectionInput> => ({
    title: values.title,
    slug: values.slug,
    description: values.description,
    seoTitle: values.seoTitle,
    seoDescription: values.seoDescription,
    published: values.published,
    kind: values.kind,
    ...(values.kind === 'rule' ? { rules: { match: values.match, rules: rulesOf(values.rules, await categories.flat()) } } : { products: values.products.split(/\r?\n/) }),
  });

  app.get<{ Querystring: { done?: string } }>('/admin/collections', { schema: { hide: true, querystring: S.DoneQuery } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.read');
    if (principal === undefined) return reply;
    const [ctx, all] = await Promise.all([pages.contextOf(request, principal), collections.list()]);
    return sendAdminPage(reply, <CollectionsPage ctx={ctx} locale={locale} collections={all} canWrite={can(principal.role, 'catalog.write')} done={request.query.done} />);
  });

  app.get('/admin/collections/new', { schema: { hide: true } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    return renderForm(request, reply, principal, undefined, blank);
  });

  app.post<{ Body: Record<string, string | undefined> }>('/admin/collections', { schema: { hide: true, body: S.CollectionForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const values = formInput(request.body);
    try {
      const created = await collections.create(await inputOf(values), changedBy(principal, request));
      return reply.redirect(`/admin/collections/${created.id}?done=created`, 303);
    } catch (err) {
      return renderForm(request, reply, principal, undefined, values, { errors: formErrorsOf(err, reply, fieldOf) });
    }
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/admin/collections/:id', { schema: { hide: true, params: S.IdParams, querystring: S.DoneQuery } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.read');
    if (principal === undefined) return reply;
    const [collection, all] = await Promise.all([collections.get(request.params.id), categories.flat()]);
    return renderForm(request, reply, principal, collection, formValuesOf(collection, all), { done: request.query.done });
  });

  app.post<{ Params: { id: string }; Body: Record<string, string | undefined> }>('/admin/collections/:id', { schema: { hide: true, params: S.IdParams, body: S.CollectionForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const collection = await collections.get(request.params.id);
    const values = formInput(request.body);
    try {
      await collections.update(collection.id, await inputOf(values), changedBy(principal, request));
      return reply.redirect(`/admin/collections/${collection.id}?done=saved`, 303);
    } catch (err) {
      return renderForm(request, reply, principal, collection, values, { errors: formErrorsOf(err, reply, fieldOf) });
    }
  });

  app.get<{ Params: { id: string } }>('/admin/collections/:id/delete', { schema: { hide: true, params: S.IdParams } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const [ctx, collection] = await Promise.all([pages.contextOf(request, principal), collections.get(request.params.id)]);
    return sendAdminPage(reply, <DeleteCollectionPage ctx={ctx} collection={collection} />);
  });

  app.post<{ Params: { id: string } }>('/admin/collections/:id/delete', { schema: { hide: true, params: S.IdParams, body: S.ConfirmForm } }, async (request, reply) => {
    const principal = await pages.staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    await collections.remove(request.params.id, changedBy(principal, request));
    return reply.redirect('/admin/collections?done=deleted', 303);
  });
}

/** The public definitions of published collections; an old slug answers 301 to the current one. */
export function registerPublicCollectionRoutes(app: FastifyInstance, deps: { collections: CollectionsService }): void {
  const { collections } = deps;
  app.get('/api/v1/collections', { schema: { tags, summary: 'Published collections (definitions; /api/v1/products lists their products)', response: { 200: Type.Object({ items: Type.Array(S.PublicCollection) }) } } }, async () => ({
    items: await collections.published(),
  }));

  app.get<{ Params: { slug: string } }>('/api/v1/collections/:slug', { schema: { tags, summary: 'One published collection by slug', params: S.SlugParams, response: { 200: S.PublicCollection } } }, async (request, reply) => {
    const found = await collections.publishedBySlug(request.params.slug);
    if ('moved' in found) return reply.redirect(`/api/v1/collections/${found.moved}`, 301);
    return found.collection;
  });
}
