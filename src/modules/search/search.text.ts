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
  for (const match of text.matchAll(wordPattern)) {
    const term = match[0].slice(0, queryLimits.termChars);
    if (!terms.includes(term)) terms.push(term);
    if (terms.length === queryLimits.terms) break;
  }
  return terms;
}

const wordPattern = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*/gu;
const cleanWord = /^[\p{L}\p{N}][\p{L}\p{M}\p{N}]*$/u;

/** A word as a tsquery operand: a prefix from three letters on ("lin" finds "linen"), else exact. */
function operand(term: string): string {
  return [...term].length >= 3 ? `${term}:*` : term;
}

/**
 * tsquery source for the words, every one required (`linen:* & shirt:*`); with near words from the
 * vocabulary, each word may be one of them instead (`zephyr:* & (shrt:* | shirt | short)`). Only clean
 * words reach it, so no operator can come from the visitor.
 */
export function matchQuery(terms: readonly string[], near: ReadonlyMap<string, readonly string[]> = new Map()): string {
  return terms
    .map((t) => {
      const alternatives = (near.get(t) ?? []).filter((w) => cleanWord.test(w));
      return alternatives.length === 0 ? operand(t) : `(${[operand(t), ...alternatives].join(' | ')})`;
    })
    .join(' & ');
}

/** tsquery source that ranks a document by how many of the words (or their near words) it holds. */
export function rankQuery(terms: readonly string[], near: ReadonlyMap<string, readonly string[]> = new Map()): string {
  return terms.flatMap((t) => [operand(t), ...(near.get(t) ?? []).filter((w) => cleanWord.test(w))]).join(' | ');
}

/** The distinct words of a text worth keeping for typo tolerance (three letters or more). */
export function vocabulary(text: string): string[] {
  const words = new Set<string>();
  for (const match of text.normalize('NFKC').toLowerCase().matchAll(wordPattern)) {
    const word = match[0];
    if ([...word].length >= 3 && word.length <= queryLimits.termChars) words.add(word);
  }
  return [...words];
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
