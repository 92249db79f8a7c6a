/**
 * A static error page: no database, no layout data, so it renders even when everything else is down.
 * Shows the reference id a shopper can quote to support.
 */
export function ErrorPage({ status, title, message, reference, stylesheet }: { status: number; title: string; message: string; reference: string; stylesheet: string }) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${title} (${status})`}</title>
        <link rel="stylesheet" href={stylesheet} />
      </head>
      <body>
        <main id="main" class="container empty">
          <h1>{title}</h1>
          <p>{message}</p>
          <p class="tile__count">
            Reference: <code>{reference}</code>
          </p>
          <a class="button" href="/">
            Go to the home page
          </a>
        </main>
      </body>
    </html>
  );
}
