import MarkdownIt from 'markdown-it';
import sanitizeHtml from 'sanitize-html';

// Raw HTML in the source is shown as text (html: false); bare URLs become links, which the sanitiser
// then holds to the same rules as written ones.
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });

const linkable = /^(https?:\/\/|mailto:)/i;

/**
 * What a description may contain once rendered: text structure and links, nothing that runs, styles or
 * loads. The page has one h1 (the product name), so a heading of any level starts at h2.
 */
const allowlist: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'strong', 'em', 'del', 's', 'ul', 'ol', 'li', 'a', 'h2', 'h3', 'h4', 'blockquote', 'code', 'pre', 'hr', 'table', 'thead', 'tbody', 'tr', 'th', 'td'],
  allowedAttributes: { a: ['href', 'rel'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  // markdown-it has already escaped raw HTML, so anything disallowed here came from a transform below.
  disallowedTagsMode: 'discard',
  transformTags: {
    h1: 'h2',
    h5: 'h4',
    h6: 'h4',
    // A link anywhere but http, https or mailto (relative ones included) keeps its text and loses the link.
    a: (tagName, attribs): sanitizeHtml.Tag =>
      attribs.href !== undefined && linkable.test(attribs.href) ? { tagName, attribs: { href: attribs.href, rel: 'nofollow noopener' } } : { tagName: 'span', attribs: {} },
  },
};

/**
 * Renders a Markdown description to the HTML the storefront shows, once, when it is written: raw HTML
 * is escaped, and the result passes a strict allowlist (no script, style, event attributes, images or
 * frames; links only to http, https and mailto, marked rel="nofollow noopener").
 */
export function renderMarkdown(source: string): string {
  return sanitizeHtml(markdown.render(source), allowlist).trim();
}
