import type { ComponentChildren } from 'preact';
import { Icon, LogoMark } from './icons.js';
import type { PageContext } from './page-context.js';
import { SeoHead, type PageMeta } from './seo.js';

interface LayoutProps {
  ctx: PageContext;
  title: string;
  description?: string;
  children: ComponentChildren;
  /** An image to preload as the likely LCP element. */
  preloadImage?: string;
  /** Our own script files (hashed /assets/ URLs), run in order after parsing; never inline (CSP). */
  scripts?: readonly string[];
  /** Canonical URL, Open Graph and JSON-LD (web/seo.tsx); absent: the canonical is the current path. */
  meta?: PageMeta;
}

/** The storefront shell: skip link, header with categories, search, account and cart, and the footer. */
export function Layout({ ctx, title, description, children, preloadImage, scripts, meta }: LayoutProps) {
  const nav = ctx.categories.slice(0, 7);
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} · ${ctx.shopName}`}</title>
        {description ? <meta name="description" content={description} /> : null}
        <SeoHead ctx={ctx} title={title} description={description} meta={meta ?? { canonicalPath: ctx.currentPath }} />
        <link rel="stylesheet" href={ctx.stylesheet} />
        {preloadImage ? <link rel="preload" as="image" href={preloadImage} fetchpriority="high" /> : null}
        {scripts?.map((src) => <script key={src} src={src} defer />)}
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <p class="announcement">Free UK delivery on orders over £50 · 30-day returns</p>
        <header class="site-header">
          <div class="container site-header__bar">
            <a class="logo" href="/" aria-label={`${ctx.shopName} home`}>
              <LogoMark />
              <span>{ctx.shopName}</span>
            </a>
            <form class="search" role="search" action="/search" method="get">
              <label class="visually-hidden" for="site-search">
                Search products
              </label>
              <input id="site-search" type="search" name="q" placeholder="Search mugs, linen, notebooks…" autocomplete="off" />
              <button type="submit">
                <Icon name="search" label="Search" />
              </button>
            </form>
            <nav class="header-actions" aria-label="Account and cart">
              <a class="header-action" href="/account">
                <Icon name="user" />
                <span>Account</span>
              </a>
              <a class="header-action" href="/cart">
                <Icon name="bag" />
                <span>Cart</span>
                <span class="cart-count" aria-label={`${ctx.cartCount} items in cart`}>
                  {ctx.cartCount}
                </span>
              </a>
            </nav>
          </div>
          <nav class="category-nav" aria-label="Categories">
            <ul class="container">
              {nav.map((c) => {
                const href = `/c/${c.slug}`;
                return (
                  <li key={c.slug}>
                    <a href={href} aria-current={ctx.currentPath === href ? 'page' : undefined}>
                      {c.name}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
        </header>
        <main id="main" tabIndex={-1}>
          {children}
        </main>
        <Footer ctx={ctx} />
      </body>
    </html>
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
            {ctx.categories.slice(0, 6).map((c) => (
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
        <ul class="payment-marks" aria-label="Payment methods we accept">
          <li>VISA</li>
          <li>MASTERCARD</li>
          <li>AMEX</li>
          <li>PAYPAL</li>
          <li>APPLE PAY</li>
        </ul>
      </div>
    </footer>
  );
}
