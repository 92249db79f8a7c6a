import type { ComponentChildren } from 'preact';
import { Icon, LogoMark } from './icons.js';
import { ScriptTag } from './layout.js';
import type { PageContext } from './page-context.js';
import { ErrorSummary, type FormError } from './forms/fields.js';

/**
 * The checkout's own shell (Medusa's and Shopify's pattern): the logo and a way back to the cart, no
 * site navigation or search to wander off through, and a short footer. Used by the checkout steps, the
 * payment page and the order's completion page; never cached, never indexed.
 */
export function CheckoutLayout(props: {
  ctx: PageContext;
  title: string;
  errors?: FormError[] | undefined;
  /** Our own script files (hashed /assets/ URLs); none is needed, the pages work without them. */
  scripts?: readonly string[];
  /** Seconds after which the page reloads itself (a payment still being confirmed); no script needed. */
  refreshSeconds?: number;
  children: ComponentChildren;
}) {
  const { ctx } = props;
  const hasErrors = (props.errors?.length ?? 0) > 0;
  const title = hasErrors ? `Error: ${props.title}` : props.title;
  return (
    <html lang={ctx.locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        {props.refreshSeconds ? <meta http-equiv="refresh" content={String(props.refreshSeconds)} /> : null}
        <title>{`${title} · ${ctx.shopName}`}</title>
        {ctx.favicon ? <link rel="icon" href={ctx.favicon} type="image/svg+xml" /> : null}
        <link rel="stylesheet" href={ctx.stylesheet} />
        {props.scripts?.map((src) => <ScriptTag key={src} src={src} integrity={ctx.scriptIntegrity?.[src]} />)}
      </head>
      <body class="checkout-body">
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="checkout-header">
          <div class="container checkout-header__bar">
            <a class="logo" href="/" aria-label={`${ctx.shopName} home`}>
              <LogoMark />
              <span>{ctx.shopName}</span>
            </a>
            <p class="checkout-header__secure">
              <Icon name="shield" />
              <span>Secure checkout</span>
            </p>
            <a class="checkout-header__cart" href="/cart">
              <Icon name="bag" />
              <span>Back to cart</span>
            </a>
          </div>
        </header>
        <main id="main" tabIndex={-1} class="container checkout-main">
          <ErrorSummary errors={props.errors ?? []} />
          {props.children}
        </main>
        <footer class="checkout-footer">
          <div class="container">
            <ul class="checkout-footer__links" aria-label="Policies">
              {ctx.footerLinks
                .filter((link) => link.group === 'policies')
                .map((link) => (
                  <li key={link.href}>
                    <a href={link.href}>{link.title}</a>
                  </li>
                ))}
            </ul>
            <p>
              © {new Date().getFullYear()} {ctx.shopName}
            </p>
          </div>
        </footer>
      </body>
    </html>
  );
}
