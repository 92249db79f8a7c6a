import { describe, expect, it } from 'vitest';
import type { ProductVariant, StockLevel } from '../../src/modules/catalog/catalog.types.js';
import { chooseVariant, optionsOf, valueStates, variantImageIndex } from '../../src/modules/catalog/catalog.variant-choice.js';

const gbp = (amount: number) => ({ amount, currency: 'GBP' });
const variant = (id: string, colour: string, size: string, stock: StockLevel = 'in_stock'): ProductVariant => ({
  id,
  sku: id.toUpperCase(),
  title: `${colour} / ${size}`,
  options: { Size: size, Colour: colour },
  price: gbp(2000),
  compareAtPrice: null,
  stock,
  available: stock === 'sold_out' ? 0 : 5,
});

// Not a full grid: Rust comes in S only, and Navy S is sold out.
const variants = [variant('navy-s', 'Navy', 'S', 'sold_out'), variant('navy-m', 'Navy', 'M'), variant('rust-s', 'Rust', 'S')];
const declared = [
  { name: 'Colour', values: ['Navy', 'Rust'] },
  { name: 'Size', values: ['S', 'M'] },
];

describe('choosing a variant from the URL', () => {
  it('keeps the declared option order, and otherwise gathers options from the variants', () => {
    expect(optionsOf(declared, variants).map((o) => o.name)).toEqual(['Colour', 'Size']);
    expect(optionsOf([], variants)).toEqual([
      { name: 'Size', values: ['S', 'M'] },
      { name: 'Colour', values: ['Navy', 'Rust'] },
    ]);
  });

  it('starts on the first variant for sale when nothing is asked', () => {
    expect(chooseVariant(declared, variants, { values: {} })).toEqual({ variant: variants[1], selected: { Size: 'M', Colour: 'Navy' }, fallback: false });
  });

  it('honours an exact combination even when it is sold out', () => {
    expect(chooseVariant(declared, variants, { values: { Colour: 'Navy', Size: 'S' } })?.variant.id).toBe('navy-s');
  });

  it('falls back, saying so, for a combination that is not made (Rust in M)', () => {
    const choice = chooseVariant(declared, variants, { values: { Colour: 'Rust', Size: 'M' } });
    expect(choice?.variant.id).toBe('navy-m');
    expect(choice?.fallback).toBe(true);
  });

  it('takes a partial choice to the first match for sale', () => {
    expect(chooseVariant(declared, variants, { values: { Size: 'S' } })?.variant.id).toBe('rust-s');
  });

  it('marks each value as for sale, sold out or not made, given the other choices', () => {
    const states = valueStates(declared, variants, { Colour: 'Rust', Size: 'S' });
    expect(Object.fromEntries(states.get('Colour')!)).toEqual({ Navy: 'sold_out', Rust: 'available' });
    expect(Object.fromEntries(states.get('Size')!)).toEqual({ S: 'available', M: 'unavailable' });
  });

  it('finds the image whose alt text names the variant’s value as a word, not inside another word', () => {
    const images = [{ alt: 'Tee in navy' }, { alt: 'Rusty old tee' }, { alt: 'Tee in rust, folded' }];
    expect(variantImageIndex(images, variants[0]!)).toBe(0);
    expect(variantImageIndex(images, variants[2]!)).toBe(2);
    expect(variantImageIndex([{ alt: 'Flat lay' }], variants[0]!)).toBeUndefined();
  });
});
