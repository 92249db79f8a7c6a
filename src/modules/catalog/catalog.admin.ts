import type { AdminContribution } from '../../backoffice/index.js';
import type { Db } from '../../db/database.js';
import type { AuditService } from '../audit/index.js';
import type { InventoryService } from '../inventory/index.js';
import type { CatalogChangeListener } from './catalog.changes.js';
import { createProductCsv, importLimits } from './catalog.products.csv.js';
import { registerProductPages } from './catalog.products.pages.js';
import { registerProductApi } from './catalog.products.routes.js';
import { createProductWriteService, type ProductWriteService } from './catalog.products.service.js';

export interface CatalogAdminDeps {
  db: Db;
  audit: Pick<AuditService, 'record'>;
  inventory: Pick<InventoryService, 'openLevels'>;
  onChange: CatalogChangeListener;
  currency: string;
  locale: string;
  now?: () => Date;
}

/** Reads a browser's multipart upload whole (bounded by the route's body limit), fields and files as text. */
async function formDataOf(contentType: string, body: Buffer): Promise<Record<string, string>> {
  const form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
  const fields: Record<string, string> = {};
  const entries: [string, string | Blob][] = [];
  form.forEach((value, name) => entries.push([name, value]));
  for (const [name, value] of entries) fields[name] = typeof value === 'string' ? value : await value.text();
  return fields;
}

/**
 * The catalog's part of the back office: the product pages and the staff product API, and a home card.
 * Other parts of the catalog (categories, collections) contribute their own.
 */
export function catalogAdmin(deps: CatalogAdminDeps): AdminContribution & { products: ProductWriteService } {
  const products = createProductWriteService(deps);
  const csv = createProductCsv({ db: deps.db, products, currency: deps.currency });
  return {
    name: 'catalog',
    products,
    navigation: [{ href: '/admin/products', label: 'Products', permission: 'catalog.read', order: 20 }],
    homeCards: [
      {
        permission: 'catalog.read',
        load: async () => {
          const page = await products.list({ sort: 'updated', direction: 'desc', limit: 1, offset: 0 });
          return { label: 'Products', value: page.counts.active.toLocaleString(deps.locale), note: `${page.counts.draft.toLocaleString(deps.locale)} in draft` };
        },
      },
    ],
    async register(app, shell) {
      // Encapsulated: the CSV and upload parsers apply to these routes only.
      await app.register(async (scope) => {
        // Those parsers take up to importLimits.bytes (twenty times the usual body limit) into memory, so
        // the body of someone who may not import is never read: the guard answers first.
        scope.addHook('preParsing', async (request) => {
          if (/^(text\/csv|multipart\/form-data)\b/i.test(String(request.headers['content-type'] ?? ''))) await shell.guard.require(request, 'catalog.write');
        });
        scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: importLimits.bytes }, (_request, body, done) => done(null, body));
        // Parsed before the CSRF check, which reads the form's token from the body.
        scope.addContentTypeParser('multipart/form-data', { parseAs: 'buffer', bodyLimit: importLimits.bytes + 64 * 1024 }, async (request: { headers: Record<string, unknown> }, body: Buffer) =>
          formDataOf(String(request.headers['content-type']), body),
        );
        registerProductApi(scope, shell, { products, csv });
        await registerProductPages(scope, shell, { products, csv, locale: deps.locale, currency: deps.currency });
      });
    },
  };
}
