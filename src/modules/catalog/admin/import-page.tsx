import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { CsrfField } from '../../../web/forms/csrf-field.js';
import type { FormError } from '../../../web/forms/fields.js';
import type { ImportProblem } from '../catalog.errors.js';
import type { ImportReport } from '../catalog.products.csv.js';
import { csvColumns } from '../catalog.products.csv.js';

/**
 * CSV import: the upload form, and after it either what was imported or every problem by row and
 * column (nothing is imported then).
 */
export function ImportProductsPage(props: { ctx: AdminContext; errors?: FormError[]; problems?: ImportProblem[]; report?: ImportReport; locale: string }) {
  const { ctx, problems, report } = props;
  const n = (x: number) => new Intl.NumberFormat(props.locale).format(x);
  return (
    <AdminLayout ctx={ctx} title="Import products" {...(props.errors ? { errors: props.errors } : {})}>
      <p class="admin-back">
        <a href="/admin/products">Products</a>
      </p>
      <div class="admin-head">
        <h1>Import products</h1>
        <p>
          One row per variant. Rows with the same slug make one product; an existing slug or SKU is updated, anything else is added. If any row has a problem,
          nothing is imported.
        </p>
      </div>
      {report ? (
        <div class="notice notice--success" role="status">
          Imported: {n(report.created)} new {report.created === 1 ? 'product' : 'products'}, {n(report.updated)} updated, {n(report.variants)} {report.variants === 1 ? 'variant' : 'variants'}.{' '}
          <a href="/admin/products">Back to products</a>
        </div>
      ) : null}
      {problems && problems.length > 0 ? (
        <section class="admin-card" aria-labelledby="problems-title">
          <h2 id="problems-title">
            {n(problems.length)} {problems.length === 1 ? 'problem' : 'problems'}: nothing was imported
          </h2>
          <p>Fix these in the file and upload it again.</p>
          <div class="table-wrap">
            <table class="admin-table">
              <caption class="visually-hidden">Problems by row</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    Row
                  </th>
                  <th scope="col">Column</th>
                  <th scope="col">Problem</th>
                </tr>
              </thead>
              <tbody>
                {problems.map((p, i) => (
                  <tr key={i}>
                    <td class="num tabular">{p.row}</td>
                    <td>{p.column ? <code>{p.column}</code> : <span class="muted">—</span>}</td>
                    <td>{p.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
      <form class="admin-card form" method="post" action="/admin/products/import" encType="multipart/form-data">
        <CsrfField token={ctx.csrf} />
        <div class={props.errors?.some((e) => e.field === 'file') ? 'field field--error' : 'field'}>
          <label class="field__label" for="file">
            CSV file
          </label>
          <p class="field__hint" id="file-hint">
            UTF-8, 2 MB and 5,000 rows at most. Columns: {csvColumns.join(', ')}. Prices as amounts such as 24.00.
          </p>
          {props.errors?.find((e) => e.field === 'file') ? (
            <p class="field__error" id="file-error">
              <span class="visually-hidden">Error: </span>
              {props.errors.find((e) => e.field === 'file')!.message}
            </p>
          ) : null}
          <input class="field__input" id="file" name="file" type="file" accept=".csv,text/csv" aria-describedby={props.errors?.some((e) => e.field === 'file') ? 'file-hint file-error' : 'file-hint'} />
        </div>
        <div class="button-row">
          <button class="button" type="submit">
            Import
          </button>
          <a class="button button--secondary" href="/api/v1/admin/catalog/products/export.csv" download>
            Download current products as CSV
          </a>
        </div>
      </form>
    </AdminLayout>
  );
}
