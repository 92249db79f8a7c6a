import { describe, expect, it } from 'vitest';
import { displayQuery, matchQuery, rankQuery, searchTerms, vocabulary } from './search.text.js';

describe('search words', () => {
  it('keep letters and digits only, lower case, at most ten words of forty characters', () => {
    expect(searchTerms(`Linen "Shirt" & | ! : * <-> ( ) 'x'`)).toEqual(['linen', 'shirt', 'x']);
    expect(searchTerms("'; DROP TABLE product; --")).toEqual(['drop', 'table', 'product']);
    expect(searchTerms('a b c d e f g h i j k l m')).toHaveLength(10);
    expect(searchTerms('y'.repeat(100))).toEqual(['y'.repeat(40)]);
    expect(searchTerms('👕🧵 🏳️‍🌈')).toEqual([]);
    expect(searchTerms('café Ｌｉｎｅｎ')).toEqual(['café', 'linen']);
  });

  it('survive lone surrogates and NUL bytes', () => {
    expect(searchTerms('\uD800linen\u0000shirt\uDC00')).toEqual(['linen', 'shirt']);
    expect(displayQuery('\uD800linen\u0000 shirt\n')).toBe('linen shirt');
  });

  it('read only the first 200 characters of a long input', () => {
    expect(searchTerms(`${'x '.repeat(100)}late`)).not.toContain('late');
    expect([...displayQuery('é'.repeat(5_000))]).toHaveLength(200);
  });

  it('make prefix queries from three letters on, and add near words as alternatives', () => {
    expect(matchQuery(['lin', 'a5'])).toBe('lin:* & a5');
    expect(matchQuery(['zephyr', 'shrt'], new Map([['shrt', ['shirt', 'short', 'bad|word']]]))).toBe('zephyr:* & (shrt:* | shirt | short)');
    expect(rankQuery(['shrt'], new Map([['shrt', ['shirt']]]))).toBe('shrt:* | shirt');
  });

  it('collect the words of a document for typo tolerance', () => {
    expect(vocabulary('linen shirt sage LINEN-SHIRT-SAGE-M a5')).toEqual(['linen', 'shirt', 'sage']);
  });
});
