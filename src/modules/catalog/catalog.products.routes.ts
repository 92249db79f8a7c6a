import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendProblem } from '../../http/problem.js';
import { AppError } from '../../kernel/errors.js';
import { requestContext } from '../../kernel/request-context.js';
import type { AdminShell } from '../../backoffice/index.js';
import type { ProductStatus } from './catalog.tables.js';
import { importInvalid, type FieldProblem, type ImportProblem } from './catalog.errors.js';
import type { ProductCsv } from './catalog.products.csv.js';
import { importLimits } from './catalog.products.csv.js';
import type { AdminSort } from './catalog.products.repository.js';
import type { ProductDraft, ProductPatch, ProductView, ProductWriteService } from './catalog.products.service.js';
import * as S from './catalog.products.schemas.js';

const tags = ['catalog admin'];
const base = '/api/v1/admin/catalog/products';

export interface ProductApiDeps {
  products: ProductWriteService;
  csv: ProductCsv;
}

type VariantBody = { id?: string; sku: string; options?: Record<string, string>; price: number; compareAt?: number | null; weightGrams?: number | null; barcode?: string | null; initialStock?: number };
type ProductBody = Partial<Omit<ProductDraft, 'variants'>> & { variants?: VariantBody[] };

const variantsOf = (variants: VariantBody[]) =>
  variants.map((v) => ({ ...(v.id !== undefined ? { id: v.id } : {}), sku: v.sku, options: v.options ?? {}, price: v.price, compareAt: v.compareAt ?? null, weightGrams: v.weightGrams ?? null, barcode: v.barcode ?? null, ...(v.initialStock !== undefined ? { initialStock: v.initialStock } : {}) }));

export const productDto = (p: ProductView) => ({ ...p, createdAt: p.createdAt.toISOString(), updatedAt: p.updatedAt.toISOString() });

/** A refusal that names fields (or rows of a file) as problem+json with every one of them in `errors`. */
export async function withFieldErrors<T>(request: FastifyRequest, reply: FastifyReply, run: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await run();
  } catch (err) {
    const problems = err instanceof AppError ? (err.details?.problems as (FieldProblem | ImportProblem)[] | undefined) : undefined;
    if (!(err instanceof AppError) || problems === undefined) throw err;
    const errors = problems.map((p) => ('row' in p ? { field: `rows.${p.row}${p.column ? `.${p.column}` : ''}`, message: p.message } : p));
    return sendProblem(request, reply, { status: 400, code: err.code, title: 'Bad Request', detail: err.message, errors: errors.slice(0, 500) });
  }
}

/**
 * The staff product API under /api/v1/admin/catalog/products: list, create, read, change, archive, bulk
 * status, and CSV import and export. Each route names its permission for the guard; the service adds the
 * price rule (catalog.prices).
 */
export function registerProductApi(app: FastifyInstance, shell: AdminShell, { products, csv }: ProductApiDeps): void {
  const { guard } = shell;

  app.get<{ Querystring: { q?: string; status?: ProductStatus; category?: string; sort?: AdminSort; direction?: 'asc' | 'desc'; limit: number; offset: number } }>(
    base,
    { schema: { tags, querystring: S.ListQuery, response: { 200: S.ProductList } } },
    async (request) => {
      await guard.require(request, 'catalog.read');
      const { q, status, category, sort, direction, limit, offset } = request.query;
      const page = await products.list({ ...(q ? { q } : {}), ...(status ? { status } : {}), ...(category ? { categoryId: category } : {}), sort: sort ?? 'updated', direction: direction ?? 'desc', limit, offset });
      return {
        ...page,
        items: page.items.map((r) => ({ id: r.id, slug: r.slug, name: r.name, status: r.status, featured: r.featured, categoryName: r.category_name, variantCount: r.variant_count, priceMin: r.price_min, priceMax: r.price_max, currency: r.currency, updatedAt: r.updated_at.toISOString() })),
      };
    },
  );

  app.post<{ Body: ProductBody & { name: string; categoryId: string } }>(base, { schema: { tags, body: S.ProductCreateBody, response: { 201: S.Product } } }, async (request, reply) => {
    const actor = await guard.require(request, 'catalog.write');
    const b = request.body;
    return withFieldErrors(request, reply, async () => {
      const created = await products.create(
        actor,
        { name: b.name, slug: b.slug, description: b.description ?? '', categoryId: b.categoryId, status: b.status ?? 'draft', featured: b.featured ?? false, tags: b.tags ?? [], seoTitle: b.seoTitle ?? '', seoDescription: b.seoDescription ?? '', options: b.options ?? [], variants: variantsOf(b.variants ?? []) },
        requestContext(request),
      );
      return reply.code(201).send(productDto(created));
    });
  });

  app.get(`${base}/export.csv`, { schema: { tags, querystring: S.ListQuery } }, async (request, reply) => {
    await guard.require(request, 'catalog.read');
    const { q, status, category } = request.query as { q?: string; status?: ProductStatus; category?: string };
    const body = await csv.export({ ...(q ? { q } : {}), ...(status ? { status } : {}), ...(category ? { categoryId: category } : {}) });
    return reply.type('text/csv; charset=utf-8').header('content-disposition', 'attachment; filename="products.csv"').send(body);
  });

  app.post<{ Body: string }>(`${base}/import`, { bodyLimit: importLimits.bytes, schema: { tags, consumes: ['text/csv'], response: { 200: S.ImportReport } } }, async (request, reply) => {
    const actor = await guard.require(request, 'catalog.write');
    const body: unknown = request.body;
    return withFieldErrors(request, reply, async () => {
      if (typeof body !== 'string') throw importInvalid([{ row: 1, column: '', message: 'Send the file as the body, with Content-Type: text/csv' }]);
      return csv.import(actor, body, requestContext(request));
    });
  });

  app.post<{ Body: { ids: string[]; status: ProductStatus } }>(`${base}/status`, { schema: { tags, body: S.StatusBody, response: { 200: S.StatusResult } } }, async (request, reply) => {
    const actor = await guard.require(request, 'catalog.write');
    return withFieldErrors(request, reply, () => products.setStatus(actor, request.body.ids, request.body.status, requestContext(request)));
  });

  app.get<{ Params: { id: string } }>(`${base}/:id`, { schema: { tags, params: S.ProductParams, response: { 200: S.Product } } }, async (request) => {
    await guard.require(request, 'catalog.read');
    return productDto(await products.get(request.params.id));
  });

  app.patch<{ Params: { id: string }; Body: ProductBody }>(`${base}/:id`, { schema: { tags, params: S.ProductParams, body: S.ProductPatchBody, response: { 200: S.Product } } }, async (request, reply) => {
    const actor = await guard.require(request, 'catalog.write');
    const { variants, ...rest } = request.body;
    const patch: ProductPatch = { ...rest, ...(variants !== undefined ? { variants: variantsOf(variants) } : {}) };
    return withFieldErrors(request, reply, async () => productDto(await products.update(actor, request.params.id, patch, requestContext(request))));
  });

  app.post<{ Params: { id: string } }>(`${base}/:id/archive`, { schema: { tags, params: S.ProductParams, body: S.EmptyBody, response: { 200: S.Product } } }, async (request) => {
    const actor = await guard.require(request, 'catalog.write');
    return productDto(await products.archive(actor, request.params.id, requestContext(request)));
  });
}
