import type { ComponentChildren } from 'preact';
import { CsrfField } from '../web/forms/csrf-field.js';
import { LogoMark } from '../web/icons.js';
import { ErrorSummary, type FormError } from '../web/forms/fields.js';
import { roleLabels, type Permission, type StaffPrincipal } from '../kernel/permissions.js';

/** What every back-office page's shell needs. */
export interface AdminContext {
  shopName: string;
  stylesheet: string;
  currentPath: string;
  csrf: string;
  staff: StaffPrincipal & { email: string };
  /** The sections this staff member's role may open, in sidebar order. Hiding a link is a courtesy; the
   * server checks the same permission on the page itself. */
  navigation: readonly AdminNavEntry[];
}

/** A section of the sidebar, as a module contributes it; shown only to roles holding its permission. */
export interface AdminNavEntry {
  href: string;
  label: string;
  permission?: Permission;
  /** Sidebar position: Home 0, then Orders, Products, Customers, Discounts, Settings, Staff, Audit. */
  order: number;
}

function isCurrent(href: string, path: string): boolean {
  return href === '/admin' ? path === '/admin' : path === href || path.startsWith(`${href}/`);
}

/** The head of every back-office page: never indexed, "Error:" first in the title when a form was refused. */
function AdminHead(props: { shopName: string; stylesheet: string; title: string; errors?: FormError[] | undefined; scripts?: readonly string[] | undefined }) {
  const hasErrors = (props.errors?.length ?? 0) > 0;
  return (
    <head>
      <meta charSet="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <meta name="robots" content="noindex" />
      <title>{`${hasErrors ? 'Error: ' : ''}${props.title} · Back office · ${props.shopName}`}</title>
      <link rel="stylesheet" href={props.stylesheet} />
      {props.scripts?.map((src) => <script key={src} src={src} defer />)}
    </head>
  );
}

/** The back-office shell: skip link, top bar (shop, who is signed in, sign-out), sidebar by permission. */
export function AdminLayout(props: { ctx: AdminContext; title: string; errors?: FormError[]; children: ComponentChildren }) {
  const { ctx } = props;
  return (
    <html lang="en">
      <AdminHead shopName={ctx.shopName} stylesheet={ctx.stylesheet} title={props.title} errors={props.errors} />
      <body class="admin">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="admin-bar">
          <a class="logo admin-bar__logo" href="/admin">
            <LogoMark />
            <span>{ctx.shopName}</span>
            <span class="admin-bar__tag">Back office</span>
          </a>
          <div class="admin-bar__who">
            <span>
              {ctx.staff.email} <span class="badge">{roleLabels[ctx.staff.role]}</span>
            </span>
            <form method="post" action="/admin/sign-out">
              <CsrfField token={ctx.csrf} />
              <button class="button button--secondary button--small" type="submit">
                Sign out
              </button>
            </form>
          </div>
        </header>
        <div class="admin-frame">
          <nav class="admin-nav" aria-label="Back office">
            <ul>
              {ctx.navigation.map((s) => (
                <li key={s.href}>
                  <a href={s.href} aria-current={isCurrent(s.href, ctx.currentPath) ? 'page' : undefined}>
                    {s.label}
                  </a>
                </li>
              ))}
              <li>
                <a href="/">View shop</a>
              </li>
            </ul>
          </nav>
          <main id="main" class="admin-main" tabIndex={-1}>
            <ErrorSummary errors={props.errors ?? []} />
            {props.children}
          </main>
        </div>
      </body>
    </html>
  );
}

/** The shell of the pages before sign-in (sign-in, MFA, invitation): narrow, no navigation. */
export function AdminGate(props: { shopName: string; stylesheet: string; title: string; errors?: FormError[]; scripts?: readonly string[]; children: ComponentChildren }) {
  return (
    <html lang="en">
      <AdminHead shopName={props.shopName} stylesheet={props.stylesheet} title={props.title} errors={props.errors} scripts={props.scripts} />
      <body class="admin admin--gate">
        <main id="main" class="admin-gate" tabIndex={-1}>
          <p class="logo admin-gate__logo">
            <LogoMark />
            <span>{props.shopName}</span>
            <span class="admin-bar__tag">Back office</span>
          </p>
          <div class="admin-gate__card">
            <ErrorSummary errors={props.errors ?? []} />
            {props.children}
          </div>
        </main>
      </body>
    </html>
  );
}
