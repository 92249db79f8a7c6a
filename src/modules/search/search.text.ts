/** How much of a query is read at all, and how many words of it are used. */
export const queryLimits = { rawChars: 1_000, chars: 200, terms: 10, termChars: 40 } as const;

/**
 * Reduces any input to at most ten words of letters, marks and digits, lower case: quotes, tsquery
 * operators (& | ! : * < > ( )), SQL, NUL bytes, lone surrogates and emoji fall away here, so nothing the
 * visitor types can change the shape of the query built from the words, and a 5,000-character input
 * costs no more than a 200-character one.
 */
export function searchTerms(raw: string): string[] {
  // A lone surrogate would make normalize() and the database's UTF-8 conversion fail: replace it first.
  const wellFormed = raw.slice(0, queryLimits.rawChars).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  const text = wellFormed.normalize('NFKC').toLowerCase().slice(0, queryLimits.chars);
  const terms: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu)) {
    const term = match[0].slice(0, queryLimits.termChars);
    if (!terms.includes(term)) terms.push(term);
    if (terms.length === queryLimits.terms) break;
  }
  return terms;
}

/** The query as a page may echo it: no control characters or lone surrogates, one line, 200 characters. */
export function displayQuery(raw: string): string {
  const clean = raw
    .slice(0, queryLimits.rawChars)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '')
    // Control characters (NUL included) are what a query must not echo.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001F\u007F-\u009F]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const points = [...clean];
  return points.length <= queryLimits.chars ? clean : points.slice(0, queryLimits.chars).join('').trimEnd();
}
