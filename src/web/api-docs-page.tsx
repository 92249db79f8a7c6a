import type { FastifyInstance } from 'fastify';
import type { ComponentChildren } from 'preact';
import { renderPage } from './render.js';

/** The parts of an OpenAPI 3 document this page reads. */
interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  additionalProperties?: boolean | Schema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  default?: unknown;
}
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
}
export interface OpenApiDocument {
  info: { title: string; version: string; description?: string };
  tags?: { name: string; description?: string }[];
  paths?: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** The staff API: every path under it needs a staff session with the route's permission. */
const isStaffPath = (path: string) => path.startsWith('/api/v1/admin/');

interface Entry {
  method: string;
  path: string;
  op: Operation;
}

/** Operations grouped by their first tag, in the document's tag order, then by path. */
export function groupOperations(doc: OpenApiDocument): { tag: string; description: string | undefined; entries: Entry[] }[] {
  const groups = new Map<string, Entry[]>();
  for (const [path, item] of Object.entries(doc.paths ?? {})) {
    for (const method of methods) {
      const op = item[method];
      if (!op) continue;
      const tag = op.tags?.[0] ?? 'other';
      groups.set(tag, [...(groups.get(tag) ?? []), { method, path, op }]);
    }
  }
  const order = (doc.tags ?? []).map((t) => t.name);
  const rank = (tag: string) => (order.includes(tag) ? order.indexOf(tag) : order.length);
  return [...groups.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
    .map(([tag, entries]) => ({
      tag,
      description: doc.tags?.find((t) => t.name === tag)?.description,
      entries: entries.sort((a, b) => a.path.localeCompare(b.path) || methods.indexOf(a.method as never) - methods.indexOf(b.method as never)),
    }));
}

const slugOf = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');

function typeLabel(schema: Schema, doc: OpenApiDocument): string {
  const resolved = resolve(schema, doc);
  if (resolved.const !== undefined) return JSON.stringify(resolved.const);
  if (resolved.enum) return resolved.enum.map((v) => JSON.stringify(v)).join(' | ');
  const variants = resolved.anyOf ?? resolved.oneOf;
  if (variants) return variants.map((v) => typeLabel(v, doc)).join(' | ');
  const type = Array.isArray(resolved.type) ? resolved.type.join(' | ') : (resolved.type ?? 'any');
  if (type === 'array' && resolved.items) return `array of ${typeLabel(resolved.items, doc)}`;
  return resolved.format ? `${type} (${resolved.format})` : type;
}

function resolve(schema: Schema, doc: OpenApiDocument): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace(/^#\/components\/schemas\//, '');
  return doc.components?.schemas?.[name] ?? schema;
}

function constraints(schema: Schema): string {
  const parts: string[] = [];
  if (schema.minimum !== undefined) parts.push(`≥ ${schema.minimum}`);
  if (schema.maximum !== undefined) parts.push(`≤ ${schema.maximum}`);
  if (schema.minLength !== undefined) parts.push(`${schema.minLength}+ characters`);
  if (schema.maxLength !== undefined) parts.push(`up to ${schema.maxLength} characters`);
  if (schema.pattern !== undefined) parts.push(`matches ${schema.pattern}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

/** Whether a schema (or its array's items, or one of its alternatives) is an object with fields to list. */
function hasFields(schema: Schema, doc: OpenApiDocument): boolean {
  const resolved = resolve(schema, doc);
  const target = resolved.type === 'array' && resolved.items ? resolve(resolved.items, doc) : resolved;
  return Boolean(target.properties) || (target.anyOf ?? target.oneOf ?? []).some((v) => Boolean(resolve(v, doc).properties));
}

/** A schema as a nested list of its fields (objects), element type (arrays) or alternatives. */
function SchemaView({ schema, doc, depth = 0 }: { schema: Schema; doc: OpenApiDocument; depth?: number }) {
  const resolved = resolve(schema, doc);
  const objectOf = resolved.type === 'array' && resolved.items ? resolve(resolved.items, doc) : resolved;
  const variants = (objectOf.anyOf ?? objectOf.oneOf ?? []).map((v) => resolve(v, doc)).filter((v) => v.properties);
  const properties = objectOf.properties ?? variants[0]?.properties;
  if (!properties || depth > 6) return <code>{typeLabel(resolved, doc)}</code>;
  const required = new Set(objectOf.required ?? variants[0]?.required ?? []);
  return (
    <>
      {resolved.type === 'array' ? <p class="muted">An array; each item:</p> : null}
      <ul class="api-schema">
        {Object.entries(properties).map(([name, child]) => (
          <li key={name}>
            <code>{name}</code> <span class="muted">{typeLabel(child, doc)}</span>
            {required.has(name) ? null : <span class="muted"> · optional</span>}
            {constraints(resolve(child, doc)) ? <span class="muted"> · {constraints(resolve(child, doc))}</span> : null}
            {child.description ? <p>{child.description}</p> : null}
            {hasFields(child, doc) ? <SchemaView schema={child} doc={doc} depth={depth + 1} /> : null}
          </li>
        ))}
      </ul>
      {objectOf.additionalProperties === false ? <p class="muted">No other field is accepted.</p> : null}
    </>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  return (
    <section>
      <h4>{title}</h4>
      {children}
    </section>
  );
}

function OperationView({ entry, doc }: { entry: Entry; doc: OpenApiDocument }) {
  const { method, path, op } = entry;
  const id = slugOf(`${method} ${path}`);
  const body = op.requestBody?.content ? Object.entries(op.requestBody.content)[0] : undefined;
  return (
    <article class="api-op" id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        <span class={`api-method api-method--${method}`}>{method.toUpperCase()}</span> <code>{path}</code>
        {isStaffPath(path) ? <span class="badge badge--low">Staff API</span> : null}
      </h3>
      <p>{op.summary ?? <span class="muted">No summary.</span>}</p>
      {op.description ? <p class="muted">{op.description}</p> : null}
      {op.parameters && op.parameters.length > 0 ? (
        <Section title="Parameters">
          <div class="table-wrap">
            <table class="admin-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">In</th>
                  <th scope="col">Type</th>
                  <th scope="col">Required</th>
                  <th scope="col">Notes</th>
                </tr>
              </thead>
              <tbody>
                {op.parameters.map((p) => (
                  <tr key={`${p.in}:${p.name}`}>
                    <td>
                      <code>{p.name}</code>
                    </td>
                    <td>{p.in}</td>
                    <td>{p.schema ? typeLabel(p.schema, doc) : 'string'}</td>
                    <td>{p.required ? 'Yes' : 'No'}</td>
                    <td>{[p.description, p.schema ? constraints(p.schema) : ''].filter(Boolean).join(' · ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Section>
      ) : null}
      {body ? (
        <Section title={`Request body (${body[0]})`}>{body[1].schema ? <SchemaView schema={body[1].schema} doc={doc} /> : <p class="muted">Any.</p>}</Section>
      ) : null}
      {op.responses ? (
        <Section title="Responses">
          {Object.entries(op.responses).map(([status, response]) => {
            const content = response.content ? Object.entries(response.content)[0] : undefined;
            return (
              <div class="api-response" key={status}>
                <p>
                  <strong>{status}</strong> {response.description ?? ''}
                </p>
                {content?.[1].schema ? <SchemaView schema={content[1].schema} doc={doc} /> : null}
              </div>
            );
          })}
        </Section>
      ) : null}
    </article>
  );
}

/** The API reference as one server-rendered page: readable without JavaScript, allowed by the strict CSP. */
export function ApiDocsPage({ doc, stylesheet }: { doc: OpenApiDocument; stylesheet: string }) {
  const groups = groupOperations(doc);
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <title>{`API reference · ${doc.info.title}`}</title>
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <main id="main" class="container api-docs">
          <header class="page-head">
            <h1>{doc.info.title} reference</h1>
            <p>
              Version {doc.info.version}. JSON under <code>/api/v1</code>; errors are <code>application/problem+json</code>. The machine-readable
              OpenAPI document is at <a href="/api/docs/json">/api/docs/json</a>.
            </p>
          </header>
          <nav aria-label="Contents" class="api-toc">
            <h2>Contents</h2>
            <ul>
              {groups.map((g) => (
                <li key={g.tag}>
                  <a href={`#tag-${slugOf(g.tag)}`}>{g.tag}</a> <span class="muted">({g.entries.length})</span>
                </li>
              ))}
            </ul>
          </nav>
          {groups.length === 0 ? <p class="empty">No operation is documented yet.</p> : null}
          {groups.map((g) => (
            <section key={g.tag} aria-labelledby={`tag-${slugOf(g.tag)}`} class="api-tag">
              <h2 id={`tag-${slugOf(g.tag)}`}>{g.tag}</h2>
              {g.description ? <p>{g.description}</p> : null}
              {g.entries.map((e) => (
                <OperationView key={`${e.method} ${e.path}`} entry={e} doc={doc} />
              ))}
            </section>
          ))}
        </main>
      </body>
    </html>
  );
}

/**
 * /api/docs: the reference page, rendered from the same OpenAPI document served at /api/docs/json.
 * Swagger UI would need inline script, which the CSP forbids; this page needs none.
 */
export function registerApiDocsPage(app: FastifyInstance, options: { stylesheet: string }): void {
  let html: string | undefined;
  app.get('/api/docs', { schema: { hide: true } }, async (_request, reply) => {
    // Routes are fixed once the app is ready, so the page is rendered once.
    html ??= renderPage(<ApiDocsPage doc={app.swagger() as unknown as OpenApiDocument} stylesheet={options.stylesheet} />);
    return reply.header('cache-control', 'public, max-age=300').type('text/html; charset=utf-8').send(html);
  });
}
