import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { sendAdminPage, type AdminShell } from '../../backoffice/index.js';
import { AppError } from '../../kernel/errors.js';
import { can, type StaffPrincipal } from '../../kernel/permissions.js';
import { requestContext } from '../../kernel/request-context.js';
import type { FormError } from '../../web/forms/fields.js';
import { formErrorsOf } from '../../web/forms/page-replies.js';
import { ImportProductsPage } from './admin/import-page.js';
import { ArchiveProductPage, ProductFormPage } from './admin/product-form-page.js';
import { draftFromForm, emptyForm, formFieldOf, formFieldPattern, formFromBody, formOf, type ProductFormValues } from './admin/product-form.js';
import { notices, pageSize, ProductsListPage, type ProductListParams } from './admin/products-list-page.js';
import type { FieldProblem, ImportProblem } from './catalog.errors.js';
import { importLimits, type ProductCsv } from './catalog.products.csv.js';
import type { AdminSort } from './catalog.products.repository.js';
import type { ProductView, ProductWriteService } from './catalog.products.service.js';
import type { ProductStatus } from './catalog.tables.js';

export interface ProductPageDeps {
  products: ProductWriteService;
  csv: ProductCsv;
  locale: string;
  currency: string;
}

const hide = { hide: true };
const strict = { additionalProperties: false } as const;
const Params = Type.Object({ id: Type.String({ format: 'uuid' }) });
const Empty = Type.Union([Type.Null(), Type.Undefined(), Type.Object({}, strict)]);
const Status = Type.Union([Type.Literal('active'), Type.Literal('draft'), Type.Literal('archived')]);
// Pages tolerate unknown query parameters (a bookmarked link from an older version); bodies do not.
const ListQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200 })),
  status: Type.Optional(Type.Union([Status, Type.Literal('')])),
  category: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Literal('')])),
  sort: Type.Optional(Type.Union(['name', 'status', 'updated', 'price', 'variants'].map((s) => Type.Literal(s)))),
  dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')])),
  page: Type.Integer({ minimum: 1, maximum: 20_000, default: 1 }),
  done: Type.Optional(Type.String({ maxLength: 30 })),
});
const FormBody = Type.Record(Type.String({ pattern: formFieldPattern }), Type.String({ maxLength: 20_000 }), strict);
const BulkBody = Type.Object({ status: Status, ids: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Array(Type.String({ format: 'uuid' }), { maxItems: 200 })])) }, strict);
const DoneQuery = Type.Object({ done: Type.Optional(Type.String({ maxLength: 30 })) });

const savedNotices: Record<string, string> = { created: 'Product added.', saved: 'Changes saved.' };

/**
 * The product pages of the back office: the list (/admin/products), add and edit forms, the archive
 * confirmation and the CSV import. Reading needs catalog.read; every change catalog.write, and prices
 * catalog.prices (checked by the service).
 */
export async function registerProductPages(app: FastifyInstance, shell: AdminShell, deps: ProductPageDeps): Promise<void> {
  const { products, csv, locale, currency } = deps;
  const { staffOr, contextOf } = shell.pages;
  const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const currencySymbol = new Intl.NumberFormat(locale, { style: 'currency', currency }).formatToParts(0).find((p) => p.type === 'currency')?.value ?? currency;

  app.get<{ Querystring: { q?: string; status?: ProductStatus | ''; category?: string; sort?: AdminSort; dir?: 'asc' | 'desc'; page: number; done?: string } }>(
    '/admin/products',
    { schema: { ...hide, querystring: ListQuery } },
    async (request, reply) => {
      const principal = await staffOr(request, reply, 'catalog.read');
      if (principal === undefined) return reply;
      const query = request.query;
      const q = query.q?.trim();
      const params: ProductListParams = {
        ...(q ? { q } : {}),
        ...(query.status ? { status: query.status } : {}),
        ...(query.category ? { category: query.category } : {}),
        sort: query.sort ?? 'updated',
        dir: query.dir ?? (query.sort === undefined || query.sort === 'updated' ? 'desc' : 'asc'),
        page: query.page,
      };
      const [page, categories] = await Promise.all([
        products.list({ ...(params.q ? { q: params.q } : {}), ...(params.status ? { status: params.status } : {}), ...(params.category ? { categoryId: params.category } : {}), sort: params.sort, direction: params.dir, limit: pageSize, offset: (params.page - 1) * pageSize }),
        products.categories(),
      ]);
      return sendAdminPage(reply, <ProductsListPage ctx={await contextOf(request, principal)} locale={locale} params={params} page={page} categories={categories} canWrite={can(principal.role, 'catalog.write')} notice={query.done ? notices[query.done] : undefined} />);
    },
  );

  app.post<{ Body: { status: ProductStatus; ids?: string | string[] } }>('/admin/products/status', { schema: { ...hide, body: BulkBody } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const ids = request.body.ids === undefined ? [] : Array.isArray(request.body.ids) ? request.body.ids : [request.body.ids];
    if (ids.length === 0) return reply.redirect('/admin/products', 303);
    await products.setStatus(principal, ids, request.body.status, requestContext(request));
    return reply.redirect('/admin/products?done=status', 303);
  });

  const renderForm = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, values: ProductFormValues, extra: { product?: ProductView; errors?: FormError[]; notice?: string | undefined }) =>
    sendAdminPage(
      reply,
      <ProductFormPage ctx={await contextOf(request, principal)} values={values} categories={await products.categories()} canPrice={can(principal.role, 'catalog.prices')} currencySymbol={currencySymbol} {...extra} />,
    );

  /** Runs a save; a refusal shows the form again with every problem beside its field and the values kept. */
  const save = async (request: FastifyRequest, reply: FastifyReply, principal: StaffPrincipal, values: ProductFormValues, product: ProductView | undefined, run: (draft: ReturnType<typeof draftFromForm>['draft']) => Promise<ProductView>) => {
    const { draft, problems, rowOf } = draftFromForm(values, digits);
    const optionIndexes = values.options.map((o, i) => (o.name.trim() !== '' || o.values.trim() !== '' ? i : -1)).filter((i) => i >= 0);
    let errors: FormError[] = problems;
    if (errors.length === 0) {
      try {
        const saved = await run(draft);
        return reply.redirect(`/admin/products/${saved.id}?done=${product ? 'saved' : 'created'}`, 303);
      } catch (err) {
        const fieldProblems = err instanceof AppError ? (err.details?.problems as FieldProblem[] | undefined) : undefined;
        if (fieldProblems !== undefined) {
          reply.code(400);
          errors = fieldProblems.map((p) => ({ field: formFieldOf(p.field, rowOf, optionIndexes), message: p.message }));
        } else {
          errors = formErrorsOf(err, reply, (code) => (code === 'CATALOG_SLUG_TAKEN' ? 'slug' : code === 'CATALOG_CATEGORY_UNKNOWN' ? 'categoryId' : undefined));
        }
      }
    } else reply.code(400);
    return renderForm(request, reply, principal, values, { ...(product ? { product } : {}), errors });
  };

  app.get('/admin/products/new', { schema: hide }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    return renderForm(request, reply, principal, emptyForm(''), {});
  });

  app.post<{ Body: Record<string, string> }>('/admin/products/new', { schema: { ...hide, body: FormBody } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const values = formFromBody(request.body);
    return save(request, reply, principal, values, undefined, (draft) => products.create(principal, draft, requestContext(request)));
  });

  app.get<{ Params: { id: string }; Querystring: { done?: string } }>('/admin/products/:id', { schema: { ...hide, params: Params, querystring: DoneQuery } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.read');
    if (principal === undefined) return reply;
    const product = await products.get(request.params.id);
    return renderForm(request, reply, principal, formOf(product, digits), { product, notice: request.query.done ? savedNotices[request.query.done] : undefined });
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>('/admin/products/:id', { schema: { ...hide, params: Params, body: FormBody } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    const product = await products.get(request.params.id);
    const values = formFromBody(request.body);
    return save(request, reply, principal, values, product, (draft) => products.update(principal, product.id, draft, requestContext(request)));
  });

  app.get<{ Params: { id: string } }>('/admin/products/:id/archive', { schema: { ...hide, params: Params } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    return sendAdminPage(reply, <ArchiveProductPage ctx={await contextOf(request, principal)} product={await products.get(request.params.id)} />);
  });

  app.post<{ Params: { id: string } }>('/admin/products/:id/archive', { schema: { ...hide, params: Params, body: Empty } }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    await products.archive(principal, request.params.id, requestContext(request));
    return reply.redirect('/admin/products?done=archived', 303);
  });

  app.get('/admin/products/import', { schema: hide }, async (request, reply) => {
    const principal = await staffOr(request, reply, 'catalog.write');
    if (principal === undefined) return reply;
    return sendAdminPage(reply, <ImportProductsPage ctx={await contextOf(request, principal)} locale={locale} />);
  });

  app.post<{ Body: { file?: string } }>(
    '/admin/products/import',
    { bodyLimit: importLimits.bytes + 64 * 1024, schema: { ...hide, body: Type.Object({ file: Type.Optional(Type.String()) }, strict) } },
    async (request, reply) => {
      const principal = await staffOr(request, reply, 'catalog.write');
      if (principal === undefined) return reply;
      const ctx = await contextOf(request, principal);
      const file = request.body.file ?? '';
      if (file.trim() === '') {
        reply.code(400);
        return sendAdminPage(reply, <ImportProductsPage ctx={ctx} locale={locale} errors={[{ field: 'file', message: 'Choose a CSV file to import' }]} />);
      }
      try {
        const report = await csv.import(principal, file, requestContext(request));
        return sendAdminPage(reply, <ImportProductsPage ctx={ctx} locale={locale} report={report} />);
      } catch (err) {
        const problems = err instanceof AppError ? (err.details?.problems as ImportProblem[] | undefined) : undefined;
        if (problems === undefined) throw err;
        reply.code(400);
        return sendAdminPage(reply, <ImportProductsPage ctx={ctx} locale={locale} problems={problems} errors={[{ field: 'file', message: err instanceof Error ? err.message : 'The file has problems' }]} />);
      }
    },
  );
}
