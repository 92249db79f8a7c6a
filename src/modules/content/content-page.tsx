import { Breadcrumb } from '../../web/breadcrumb.js';
import { Layout } from '../../web/layout.js';
import type { PageContext } from '../../web/page-context.js';
import type { ContentPage } from './content.data.js';

/** An information page (delivery, returns, policies) in the shop layout. */
export function ContentPageView({ ctx, page }: { ctx: PageContext; page: ContentPage }) {
  return (
    <Layout ctx={ctx} title={page.title} description={page.summary}>
      <div class="container">
        <Breadcrumb trail={[{ label: 'Home', href: '/' }, { label: page.title }]} />
        <header class="page-head">
          <h1>{page.title}</h1>
          <p>{page.summary}</p>
        </header>
        <div class="prose">
          {page.sections.map((section) => (
            <section key={section.heading}>
              <h2>{section.heading}</h2>
              {section.paragraphs.map((text) => (
                <p key={text}>{text}</p>
              ))}
            </section>
          ))}
        </div>
      </div>
    </Layout>
  );
}
