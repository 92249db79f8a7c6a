import type { ComponentChildren } from 'preact';
import { Icon, LogoMark } from './icons.js';
import type { PaymentProvider } from '../adapters/payments/payment-settings.js';
import type { PageContext } from './page-context.js';
import { SeoHead, type PageMeta } from './seo.js';

interface LayoutProps {
  ctx: PageContext;
  title: string;
  description?: string;
  children: ComponentChildren;
  /**
   * Our own script files (hashed /assets/ URLs), run in order after parsing; never inline (CSP). Each tag
   * carries its Subresource Integrity from `ctx.scriptIntegrity`, so a changed file is refused by the browser.
   */
  scripts?: readonly string[];
  /** Canonical URL, Open Graph and JSON-LD (web/seo.tsx); absent: the canonical is the current path. */
  meta?: PageMeta;
}

/** The storefront shell: skip link, a one-row header (menu, logo, categories, search, account, cart) and the footer. */
export function Layout({ ctx, title, description, children, scripts, meta }: LayoutProps) {
  // The header names the top-level categories only, at most seven, so it stays one calm row.
  const nav = ctx.categories.filter((c) => !c.parentId).slice(0, 7);
  const cartCount = ctx.cartCount ?? 0;
  const current = (href: string) => (ctx.currentPath === href ? 'page' : undefined);
  // The same links serve the folded menu (below 80rem) and the header row (from 80rem).
  const categoryLinks = nav.map((c) => (
    <li key={c.slug}>
      <a href={`/c/${c.slug}`} aria-current={current(`/c/${c.slug}`)}>
        {c.name}
      </a>
    </li>
  ));
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${ctx.shopName}`}</title>
        {description ? <meta name="description" content={description} /> : null}
        <SeoHead ctx={ctx} title={title} description={description} meta={meta ?? { canonicalPath: ctx.currentPath }} />
        {ctx.favicon ? <link rel="icon" href={ctx.favicon} type="image/svg+xml" /> : null}
        <link rel="stylesheet" href={ctx.stylesheet} />
        {scripts?.map((src) => <ScriptTag key={src} src={src} integrity={ctx.scriptIntegrity?.[src]} />)}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <div class="container site-header__bar">
            {/* Below 80rem the categories and account links fold into this menu: <details> needs no script. */}
            <details class="header-menu">
              <summary class="header-action">
                <span class="header-action__closed">
                  <Icon name="menu" />
                </span>
                <span class="header-action__open">
                  <Icon name="close" />
                </span>
                <span class="visually-hidden">Menu</span>
              </summary>
              <nav class="header-panel" aria-label="Menu">
                <ul class="container header-menu__list">
                  {categoryLinks}
                </ul>
                <ul class="container header-menu__list header-menu__list--account">
                  <li>
                    <a href="/account" aria-current={current('/account')}>
                      Your account
                    </a>
                  </li>
                  <li>
                    <a href="/cart" aria-current={current('/cart')}>
                      Cart ({cartCount})
                    </a>
                  </li>
                </ul>
              </nav>
            </details>
            <a class="logo" href="/" aria-label={`${ctx.shopName} home`}>
              <LogoMark />
              <span>{ctx.shopName}</span>
            </a>
            <nav class="category-nav" aria-label="Categories">
              <ul>
                {categoryLinks}
              </ul>
            </nav>
            <div class="header-actions">
              <details class="header-search">
                <summary class="header-action">
                  <span class="header-action__closed">
                    <Icon name="search" />
                  </span>
                  <span class="header-action__open">
                    <Icon name="close" />
                  </span>
                  <span class="header-action__label">Search</span>
                </summary>
                <div class="header-panel">
                  <div class="container">
                    <SearchForm id="site-search" />
                  </div>
                </div>
              </details>
              <a class="header-action header-action--account" href="/account">
                <Icon name="user" />
                <span class="header-action__label">Account</span>
              </a>
              <a class="header-action header-action--cart" href="/cart">
                <Icon name="bag" />
                <span class="visually-hidden">Cart,</span>
                <span class="cart-count">{cartCount}</span>
                <span class="visually-hidden">{cartCount === 1 ? 'item' : 'items'}</span>
              </a>
            </div>
          </div>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <Footer ctx={ctx} />
      </body>
    </html>
  );
}

/** A deferred script tag, with `integrity` and `crossorigin` when its hash is known. */
export function ScriptTag({ src, integrity }: { src: string; integrity?: string | undefined }) {
  return integrity ? <script src={src} integrity={integrity} crossOrigin="anonymous" defer /> : <script src={src} defer />;
}

/** The shop's search form (GET /search?q=), in the header and on the 404 page; it never scrolls sideways at 320px. */
export function SearchForm({ id, placeholder = 'Search mugs, linen, notebooks…', value }: { id: string; placeholder?: string; value?: string }) {
  return (
    <form class="search-form" role="search" action="/search" method="get">
      <label class="visually-hidden" for={id}>
        Search products
      </label>
      <input id={id} type="search" name="q" placeholder={placeholder} value={value} autocomplete="off" enterKeyHint="search" />
      <button type="submit" class="search-form__button">
        <Icon name="search" />
        <span class="visually-hidden">Search</span>
      </button>
    </form>
  );
}

const footerGroups = [
  { id: 'help', title: 'Help' },
  { id: 'policies', title: 'Policies' },
] as const;

function Footer({ ctx }: { ctx: PageContext }) {
  const year = new Date().getFullYear();
  return (
    <footer class="site-footer">
      <div class="container site-footer__grid">
        <section aria-labelledby="footer-shop">
          <h2 id="footer-shop">Shop</h2>
          <ul>
            {ctx.categories.filter((c) => !c.parentId).slice(0, 7).map((c) => (
              <li key={c.slug}>
                <a href={`/c/${c.slug}`}>{c.name}</a>
              </li>
            ))}
          </ul>
        </section>
        {footerGroups.map((group) => (
          <section key={group.id} aria-labelledby={`footer-${group.id}`}>
            <h2 id={`footer-${group.id}`}>{group.title}</h2>
            <ul>
              {ctx.footerLinks
                .filter((link) => link.group === group.id)
                .map((link) => (
                  <li key={link.href}>
                    <a href={link.href}>{link.title}</a>
                  </li>
                ))}
            </ul>
          </section>
        ))}
        <section aria-labelledby="footer-contact">
          <h2 id="footer-contact">Contact</h2>
          <ul>
            <li>hello@bastion.example</li>
            <li>Mon–Fri, 9:00–17:00</li>
          </ul>
        </section>
      </div>
      <div class="container site-footer__legal">
        <p>
          © {year} {ctx.shopName}
        </p>
        <PaymentMarks providers={ctx.payments ?? ['test']} />
      </div>
    </footer>
  );
}

/** What each provider lets a shopper pay with, as the shop has it set up (no wallets: they need extra setup). */
const marksOf: Record<PaymentProvider, readonly string[]> = {
  test: [],
  stripe: ['Visa', 'Mastercard', 'American Express'],
  paypal: ['PayPal'],
};

/** Payment marks, as text, for the configured providers only; the test gateway alone says so plainly. */
function PaymentMarks({ providers }: { providers: readonly PaymentProvider[] }) {
  const marks = [...new Set(providers.flatMap((p) => marksOf[p]))];
  if (marks.length === 0) return providers.includes('test') ? <p class="payment-note">Test payments only: no card is charged.</p> : null;
  return (
    <ul class="payment-marks" aria-label="Payment methods we accept">
      {marks.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}
