// The filter inputs' attributes are assembled as data, which preact's JSX types (keyed by input type) cannot follow.
import { h, type VNode } from 'preact';
import { AdminLayout, type AdminContext } from '../../../backoffice/index.js';
import { isStaffRole, roleLabels } from '../../../kernel/permissions.js';
import { auditQueryString, type AuditEventView, type AuditFilterError, type AuditPage, type AuditSearch } from '../audit.query.js';
import type { ActorType, AuditOutcome } from '../audit.types.js';

export const auditPagePath = '/admin/audit';
export const auditCsvPath = '/api/v1/admin/audit-events.csv';

export interface AuditTrailPageProps {
  ctx: AdminContext;
  locale: string;
  /** The filters as entered (kept in the form, carried by every link). */
  params: AuditSearch['params'];
  /** The page of events; absent when the filters did not validate. */
  page?: AuditPage;
  errors?: AuditFilterError[];
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
function formatTime(d: Date, locale: string): string {
  let format = timeFormats.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone: 'UTC' });
    timeFormats.set(locale, format);
  }
  return format.format(d);
}

const count = (n: number, locale: string) => new Intl.NumberFormat(locale).format(n);
/** Enough of an id to tell rows apart and match it by eye; the link and the CSV carry all of it. */
const shortId = (id: string) => (id.length > 12 ? `${id.slice(0, 8)}…` : id);

const actorLabels: Record<ActorType, string> = { staff: 'Staff', customer: 'Customer', system: 'System', anonymous: 'Anonymous' };
const outcomeBadges: Record<AuditOutcome, { label: string; class: string }> = {
  success: { label: 'Success', class: 'badge badge--ok' },
  failure: { label: 'Failure', class: 'badge badge--danger' },
  denied: { label: 'Denied', class: 'badge badge--low' },
};

function Actor({ e, params }: { e: AuditEventView; params: AuditSearch['params'] }) {
  const role = e.actorRole !== null && isStaffRole(e.actorRole) ? roleLabels[e.actorRole] : e.actorRole;
  return (
    <span class="audit-who">
      <span class="badge">{role ?? actorLabels[e.actorType]}</span>
      {e.actorId !== null ? (
        <a href={`${auditPagePath}${auditQueryString({ ...params, actor: e.actorId })}`}>
          <span class="visually-hidden">Events by </span>
          <code>{shortId(e.actorId)}</code>
        </a>
      ) : null}
    </span>
  );
}

function Target({ e, params }: { e: AuditEventView; params: AuditSearch['params'] }) {
  if (e.targetType === null) return <span class="muted">—</span>;
  if (e.targetId === null) return <span>{e.targetType}</span>;
  return (
    <a class="audit-target" href={`${auditPagePath}${auditQueryString({ ...params, targetType: e.targetType, targetId: e.targetId })}`}>
      <span class="visually-hidden">Events about </span>
      {e.targetType} <code>{shortId(e.targetId)}</code>
    </a>
  );
}

/** The action, breakable only after its dots (`product.` `price_changed`), never mid-word. */
function Action({ action }: { action: string }) {
  const parts = action.split('.');
  return (
    <code class="audit-action">
      {parts.map((part, i) => (i < parts.length - 1 ? [part, '.', <wbr key={i} />] : part))}
    </code>
  );
}

function Changes({ e }: { e: AuditEventView }) {
  const names = e.changes === null ? [] : Object.keys(e.changes);
  if (names.length === 0) return <span class="muted">—</span>;
  return (
    <ul class="audit-changes">
      {names.map((n) => (
        <li key={n}>
          <code>{n}</code>
        </li>
      ))}
    </ul>
  );
}

/** A labelled text or date field with its hint and inline error, tied together by aria-describedby. */
function FilterField(props: { name: AuditFilterError['field']; label: string; hint?: string; value: string; type?: 'text' | 'date' | 'datetime-local'; errors: AuditFilterError[] }) {
  const error = props.errors.find((e) => e.field === props.name);
  const described = [props.hint ? `${props.name}-hint` : '', error ? `${props.name}-error` : ''].filter(Boolean).join(' ');
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={props.name}>
        {props.label}
      </label>
      {props.hint ? (
        <p class="field__hint" id={`${props.name}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {error ? (
        <p class="field__error" id={`${props.name}-error`}>
          <span class="visually-hidden">Error: </span>
          {error.message}
        </p>
      ) : null}
      {h('input', {
        class: 'field__input',
        id: props.name,
        name: props.name,
        type: props.type ?? 'text',
        value: props.value,
        autocomplete: 'off',
        spellcheck: false,
        ...(described ? { 'aria-describedby': described } : {}),
        ...(error ? { 'aria-invalid': 'true' } : {}),
      })}
    </div>
  );
}

function FilterSelect(props: { name: AuditFilterError['field']; label: string; value: string; options: [string, string][]; errors: AuditFilterError[] }) {
  const error = props.errors.find((e) => e.field === props.name);
  // A value from a link that is not one of the choices (an actor id, a mistyped value) stays selected.
  const options = props.value === '' || props.options.some(([v]) => v === props.value) ? props.options : [...props.options, [props.value, props.value] as [string, string]];
  return (
    <div class={error ? 'field field--error' : 'field'}>
      <label class="field__label" for={props.name}>
        {props.label}
      </label>
      {error ? (
        <p class="field__error" id={`${props.name}-error`}>
          <span class="visually-hidden">Error: </span>
          {error.message}
        </p>
      ) : null}
      <select class="field__select" id={props.name} name={props.name} aria-describedby={error ? `${props.name}-error` : undefined} aria-invalid={error ? 'true' : undefined}>
        {options.map(([v, label]) => (
          <option key={v} value={v} selected={v === props.value}>
            {label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** `date` for a date, `datetime-local` for a local date and time, plain text for anything else (kept as typed). */
const timeInput = (value: string): 'date' | 'datetime-local' | 'text' =>
  value === '' || /^\d{4}-\d{2}-\d{2}$/.test(value) ? 'date' : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value) ? 'datetime-local' : 'text';

function Pager({ page, params, locale }: { page: AuditPage; params: AuditSearch['params']; locale: string }) {
  const first = page.offset + 1;
  const last = page.offset + page.items.length;
  const of = page.totalExact ? count(page.total, locale) : `more than ${count(page.total, locale)}`;
  return (
    <nav class="audit-pager" aria-label="Pages of events">
      <p class="audit-pager__range tabular">
        {count(first, locale)}–{count(last, locale)} of {of}
      </p>
      {page.newer !== null || page.nextBefore !== null ? (
        <ul>
          {page.newer !== null ? (
            <li>
              <a class="button button--secondary button--small" rel="prev" href={`${auditPagePath}${auditQueryString(params, { before: page.newer.before })}`}>
                Newer events
              </a>
            </li>
          ) : null}
          {page.nextBefore !== null ? (
            <li>
              <a class="button button--secondary button--small" rel="next" href={`${auditPagePath}${auditQueryString(params, { before: page.nextBefore })}`}>
                Older events
              </a>
            </li>
          ) : null}
        </ul>
      ) : null}
    </nav>
  );
}

/**
 * The audit trail in the back office: a GET form of filters, the matching events newest first in an
 * index table, keyset pages of 50 ("1–50 of 1,204"), and the same filters as a CSV download.
 */
export function AuditTrailPage(props: AuditTrailPageProps) {
  const { ctx, params, page, locale } = props;
  const errors = props.errors ?? [];
  const filtered = Object.keys(params).length > 0;
  const actorOptions: [string, string][] = [
    ['', 'Anyone'],
    ['staff', 'Staff'],
    ['customer', 'Customers'],
    ['system', 'The system'],
    ['anonymous', 'Signed-out visitors'],
  ];
  if (params.actor !== undefined && /^[0-9a-f-]{36}$/i.test(params.actor)) actorOptions.push([params.actor, `This actor (${shortId(params.actor)})`]);
  return (
    <AdminLayout ctx={ctx} title="Audit trail" errors={errors}>
      <div class="admin-head audit-head">
        <div>
          <h1>
            Audit trail{' '}
            {page ? (
              <span class="admin-head__count tabular">
                {page.totalExact ? count(page.total, locale) : `${count(page.total, locale)}+`} {page.total === 1 && page.totalExact ? 'event' : 'events'}
              </span>
            ) : null}
          </h1>
          <p>Who changed what, and every refused attempt, newest first. Each event is chained to the one before it by its hash, so an edit or a deletion shows. Times are in UTC.</p>
        </div>
        {page !== undefined && page.total > 0 ? (
          <a class="button button--secondary" href={`${auditCsvPath}${auditQueryString(params)}`} download>
            Download CSV
          </a>
        ) : null}
      </div>

      <form class="admin-card audit-filters" method="get" action={auditPagePath} role="search" aria-label="Filter events" noValidate>
        <div class="audit-filters__grid">
          <FilterField name="action" label="Action" hint="Exact, or a prefix such as staff. or staff.in*" value={params.action ?? ''} errors={errors} />
          <FilterSelect name="actor" label="Actor" value={params.actor ?? ''} options={actorOptions} errors={errors} />
          <FilterSelect
            name="outcome"
            label="Outcome"
            value={params.outcome ?? ''}
            options={[
              ['', 'Any outcome'],
              ['success', 'Success'],
              ['failure', 'Failure'],
              ['denied', 'Denied'],
            ]}
            errors={errors}
          />
          <FilterField name="targetType" label="Target type" hint="For example staff_member" value={params.targetType ?? ''} errors={errors} />
          <FilterField name="targetId" label="Target id" value={params.targetId ?? ''} errors={errors} />
          <FilterField name="from" label="From" hint="On or after (UTC)" type={timeInput(params.from ?? '')} value={params.from ?? ''} errors={errors} />
          <FilterField name="to" label="To" hint="On or before (UTC)" type={timeInput(params.to ?? '')} value={params.to ?? ''} errors={errors} />
        </div>
        <div class="audit-filters__actions">
          <button class="button" type="submit">
            Apply filters
          </button>
          {filtered ? <a href={auditPagePath}>Clear filters</a> : null}
        </div>
      </form>

      {page === undefined ? null : page.items.length === 0 ? (
        <div class="admin-card audit-empty">
          {page.newer !== null ? (
            <>
              <h2>No older events</h2>
              <p>This page is past the oldest event that matches.</p>
              <p>
                <a class="button button--secondary" href={`${auditPagePath}${auditQueryString(params)}`}>
                  Back to the newest events
                </a>
              </p>
            </>
          ) : filtered ? (
            <>
              <h2>No events match these filters</h2>
              <p>Try a wider time range, an action prefix such as staff., or fewer filters.</p>
              <p>
                <a class="button button--secondary" href={auditPagePath}>
                  Clear filters
                </a>
              </p>
            </>
          ) : (
            <>
              <h2>No events yet</h2>
              <p>The trail fills as staff sign in and change things. Each event is written in the same transaction as its change.</p>
            </>
          )}
        </div>
      ) : (
        <>
          <div class="table-wrap">
            <table class="admin-table audit-table">
              <caption class="visually-hidden">Audit events, newest first</caption>
              <thead>
                <tr>
                  <th scope="col" class="num">
                    No.
                  </th>
                  <th scope="col">Time (UTC)</th>
                  <th scope="col">Actor</th>
                  <th scope="col">Action</th>
                  <th scope="col">Target</th>
                  <th scope="col">Outcome</th>
                  <th scope="col">Changes</th>
                </tr>
              </thead>
              <tbody>
                {page.items.map((e) => (
                  <tr key={e.seq}>
                    <td class="num tabular">{e.seq}</td>
                    <td class="audit-time">
                      <time dateTime={e.occurredAt.toISOString()}>{formatTime(e.occurredAt, locale)}</time>
                    </td>
                    <td>
                      <Actor e={e} params={params} />
                    </td>
                    <td>
                      <Action action={e.action} />
                    </td>
                    <td>
                      <Target e={e} params={params} />
                    </td>
                    <td>
                      <span class={outcomeBadges[e.outcome].class}>{outcomeBadges[e.outcome].label}</span>
                    </td>
                    <td>
                      <Changes e={e} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} params={params} locale={locale} />
        </>
      )}
    </AdminLayout>
  );
}

/** The page, ready for renderPage. */
export const auditTrailPage = (props: AuditTrailPageProps): VNode => <AuditTrailPage {...props} />;

