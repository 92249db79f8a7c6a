import type { VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';

/** Server-renders a page; preact escapes every text and attribute value, so data never becomes markup. */
export function renderPage(page: VNode): string {
  return `<!doctype html>${renderToString(page)}`;
}
