import type { FastifyRequest } from 'fastify';
import type { HtmlErrorRenderer } from '../http/error-handler.js';
import { ErrorPage } from './error-page.js';
import { NotFoundPage } from './not-found-page.js';
import type { PageContext, PageContextOf } from './page-context.js';
import { renderPage } from './render.js';

/** 404s get the full shop layout (search, categories); every other error gets the static page. */
export function htmlErrorRenderer(deps: { pageContext: PageContextOf; stylesheet: string }): HtmlErrorRenderer {
  return async (request: FastifyRequest, problem) => {
    if (problem.status === 404) return renderPage(<NotFoundPage ctx={await deps.pageContext(request.url, request)} />);
    // The static page, with nothing read from the database (which is what is unavailable).
    if (problem.status === 503) {
      return renderPage(
        <ErrorPage
          status={503}
          title="We will be right back"
          message="The shop is briefly unavailable. Please try again in a moment."
          reference={String(request.id)}
          stylesheet={deps.stylesheet}
        />,
      );
    }
    const serverSide = problem.status >= 500;
    return renderPage(
      <ErrorPage
        status={problem.status}
        title={serverSide ? 'Something went wrong' : 'We could not do that'}
        message={serverSide ? 'Sorry, this is on our side. Please try again in a moment.' : problem.detail}
        reference={String(request.id)}
        stylesheet={deps.stylesheet}
      />,
    );
  };
}
