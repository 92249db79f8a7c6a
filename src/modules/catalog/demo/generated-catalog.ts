import type { ArtKind } from './product-art.js';

/**
 * The word lists and rules of a generated catalog: a small category tree and, for product number n, a
 * realistic product (name, options, 1–6 variants, prices, tags, a Markdown description) drawn from a
 * pseudo-random sequence seeded by n, so the same n always gives the same product.
 */
export interface GeneratedCategory {
  slug: string;
  name: string;
  description: string;
  parent?: string;
  /** Leaf categories hold products of these kinds. */
  kinds?: GeneratedKind[];
}

interface GeneratedKind {
  art: ArtKind;
  nouns: string[];
  materials: string[];
  /** Price range in minor units. */
  price: [number, number];
  sizes?: string[];
  backdrop: string;
}

export const palette: [string, string][] = [
  ['Sage', '#8FA888'],
  ['Chalk', '#EDE8DF'],
  ['Clay', '#C57B57'],
  ['Ink Blue', '#2E4A6B'],
  ['Charcoal', '#4A4845'],
  ['Mustard', '#D4A73A'],
];

const apparelSizes = ['XS', 'S', 'M', 'L', 'XL'];
const kind = (art: ArtKind, nouns: string[], materials: string[], price: [number, number], backdrop: string, sizes?: string[]): GeneratedKind => ({
  art, nouns, materials, price, backdrop, ...(sizes ? { sizes } : {}),
});

export const generatedCategories: GeneratedCategory[] = [
  { slug: 'clothing', name: 'Clothing', description: 'Everyday clothes in natural fibres, cut to last.' },
  { slug: 't-shirts', name: 'T-shirts', parent: 'clothing', description: 'Heavyweight and slub cotton tees.', kinds: [kind('tee', ['T-Shirt', 'Pocket Tee', 'Long-Sleeve Shirt'], ['Organic Cotton', 'Slub Cotton', 'Hemp'], [1800, 4500], '#E4E1DA', apparelSizes)] },
  { slug: 'knitwear', name: 'Knitwear', parent: 'clothing', description: 'Jumpers and cardigans in wool and cotton.', kinds: [kind('sweater', ['Jumper', 'Crew Neck', 'Cardigan'], ['Merino', 'Lambswool', 'Cotton'], [5500, 12000], '#E2DED6', apparelSizes)] },
  { slug: 'hats', name: 'Hats', parent: 'clothing', description: 'Beanies and caps for every season.', kinds: [kind('beanie', ['Beanie', 'Watch Cap'], ['Ribbed Wool', 'Recycled Cashmere', 'Cotton'], [1800, 4000], '#E6E2DB', ['One size', 'Large'])] },
  { slug: 'kitchen', name: 'Kitchen', description: 'Tableware and tools for everyday cooking and eating.' },
  { slug: 'mugs-cups', name: 'Mugs & cups', parent: 'kitchen', description: 'Stoneware mugs, cups and beakers.', kinds: [kind('mug', ['Mug', 'Cup', 'Beaker'], ['Stoneware', 'Porcelain', 'Enamel'], [1200, 3200], '#E9E2D6', ['250 ml', '350 ml'])] },
  { slug: 'bowls-plates', name: 'Bowls & plates', parent: 'kitchen', description: 'Plates and bowls glazed in small batches.', kinds: [kind('bowl', ['Bowl', 'Serving Bowl'], ['Stoneware', 'Earthenware'], [1600, 4200], '#E9E2D6'), kind('plate', ['Dinner Plate', 'Side Plate'], ['Stoneware', 'Porcelain'], [1800, 3600], '#E9E2D6')] },
  { slug: 'coffee', name: 'Coffee', parent: 'kitchen', description: 'Pour-over kit for a better morning cup.', kinds: [kind('dripper', ['Dripper', 'Pour-Over Cone'], ['Ceramic', 'Glass'], [1800, 3800], '#E6DFD3'), kind('carafe', ['Carafe', 'Server'], ['Borosilicate', 'Glass'], [2400, 4800], '#E6DFD3'), kind('kettle', ['Kettle', 'Pour-Over Kettle'], ['Steel', 'Copper'], [4500, 11000], '#E6DFD3')] },
  { slug: 'home', name: 'Home', description: 'Soft furnishings, light and scent.' },
  { slug: 'candles', name: 'Candles', parent: 'home', description: 'Hand-poured soy and rapeseed candles.', kinds: [kind('candle', ['Candle', 'Tin Candle'], ['Soy Wax', 'Rapeseed Wax'], [1400, 3800], '#EDE6DA', ['Small', 'Large'])] },
  { slug: 'vases', name: 'Vases', parent: 'home', description: 'Bud vases and statement pieces.', kinds: [kind('vase', ['Vase', 'Bud Vase'], ['Stoneware', 'Recycled Glass'], [2000, 6500], '#E8E3DA')] },
  { slug: 'textiles', name: 'Textiles', parent: 'home', description: 'Cushions and throws in wool and linen.', kinds: [kind('cushion', ['Cushion', 'Cushion Cover'], ['Linen', 'Wool', 'Velvet'], [2500, 5500], '#E4DED4', ['45 cm', '60 cm']), kind('throw', ['Throw', 'Blanket'], ['Lambswool', 'Cotton', 'Alpaca'], [5500, 14000], '#E4DED4')] },
  { slug: 'desk', name: 'Desk', description: 'Paper and pens worth writing with.' },
  { slug: 'notebooks', name: 'Notebooks', parent: 'desk', description: 'Dot, line and plain notebooks.', kinds: [kind('notebook', ['Notebook', 'Journal'], ['Recycled Paper', 'Cotton Paper'], [900, 2800], '#E7E3DC', ['A6', 'A5', 'A4'])] },
  { slug: 'pens', name: 'Pens', parent: 'desk', description: 'Fountain pens, rollerballs and pencils.', kinds: [kind('pen', ['Pen', 'Rollerball', 'Fountain Pen'], ['Brass', 'Aluminium', 'Maple'], [1200, 6500], '#E7E3DC')] },
  { slug: 'cases-tins', name: 'Cases & tins', parent: 'desk', description: 'Somewhere to keep it all.', kinds: [kind('pouch', ['Pencil Case', 'Pouch'], ['Waxed Canvas', 'Leather'], [1500, 4500], '#E7E3DC'), kind('tin', ['Tin', 'Storage Tin'], ['Steel', 'Enamel'], [900, 2400], '#E7E3DC')] },
  { slug: 'carry', name: 'Carry', description: 'Bags and bottles for the day ahead.' },
  { slug: 'totes', name: 'Totes', parent: 'carry', description: 'Canvas totes for markets and beaches.', kinds: [kind('tote', ['Tote', 'Market Bag'], ['Canvas', 'Recycled Cotton'], [1800, 4800], '#E5E0D6', ['Standard', 'Large'])] },
  { slug: 'backpacks', name: 'Backpacks', parent: 'carry', description: 'Rucksacks for commuting and weekends.', kinds: [kind('backpack', ['Backpack', 'Daypack', 'Rolltop'], ['Waxed Canvas', 'Recycled Nylon'], [6500, 16000], '#E5E0D6', ['18 L', '24 L'])] },
  { slug: 'bottles', name: 'Bottles', parent: 'carry', description: 'Insulated bottles and flasks.', kinds: [kind('bottle', ['Bottle', 'Flask'], ['Steel', 'Insulated Steel'], [1800, 3800], '#E5E0D6', ['500 ml', '750 ml'])] },
];

const adjectives = ['Everyday', 'Classic', 'Heritage', 'Coastal', 'Field', 'Studio', 'Harbour', 'Meadow', 'Northern', 'Weekend', 'Workshop', 'Quiet', 'Ridge', 'Fern', 'Dune', 'Orchard', 'Moor', 'Canal', 'Hearth', 'Loft'];
const tagPool = ['organic', 'recycled', 'handmade', 'bestseller', 'new', 'gift', 'limited', 'vegan', 'made-in-uk', 'plastic-free'];
const benefits = [
  'Made to be used every day and to look better for it.',
  'Finished by hand, so no two are quite the same.',
  'Designed in our studio and made by a family workshop we have worked with for years.',
  'Built around the details you notice only after a month of use.',
  'A quiet piece that works with everything else you own.',
];
const care = ['Wash cool and dry flat.', 'Wipe clean with a damp cloth.', 'Dishwasher safe.', 'Keep out of direct sunlight.', 'Spot clean only.'];

/** A small, fast, seeded generator (mulberry32): the same seed gives the same sequence. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface GeneratedVariant {
  sku: string;
  title: string;
  options: Record<string, string>;
  price: number;
  compareAt: number | null;
  weightGrams: number;
  onHand: number;
  /** Index into `palette`: the colour this variant is shown in. */
  colour: number;
}

export interface GeneratedProduct {
  slug: string;
  name: string;
  category: string;
  art: ArtKind;
  backdrop: string;
  description: string;
  descriptionHtml: string;
  options: { name: string; values: string[] }[];
  tags: string[];
  featured: boolean;
  /** Days before now that the product was created. */
  ageDays: number;
  variants: GeneratedVariant[];
}

const slugify = (s: string): string => s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
// Each kind comes in three colours of the palette (shifted per kind, so the shop is not all sage).
const leaves = generatedCategories
  .flatMap((c) => (c.kinds ?? []).map((k) => ({ category: c.slug, kind: k })))
  .map((leaf, i) => ({ ...leaf, colours: [0, 1, 2].map((j) => (i + j * 2) % palette.length) }));

/** The art kinds and colours the generated products are shown in: one image to render for each. */
export const generatedArt: { art: ArtKind; backdrop: string; colour: number }[] = leaves.flatMap((leaf) =>
  leaf.colours.map((colour) => ({ art: leaf.kind.art, backdrop: leaf.kind.backdrop, colour })),
);

/** Product number `n` (1, 2, …) of a generated catalog. */
export function generatedProduct(n: number): GeneratedProduct {
  const next = random(n * 2654435761);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]!;
  const leaf = leaves[n % leaves.length]!;
  const k = leaf.kind;
  const name = `${pick(adjectives)} ${pick(k.materials)} ${pick(k.nouns)}`;
  const slug = `${slugify(name)}-${n}`;

  // 1–6 variants: 1–3 of the kind's colours, times 1–3 sizes for a sized kind (at most 2 colours then).
  const colourCount = 1 + Math.floor(next() * (k.sizes ? 2 : 3));
  const start = Math.floor(next() * 3);
  const colours = Array.from({ length: colourCount }, (_, i) => leaf.colours[(start + i) % 3]!);
  const sizeCount = k.sizes ? 1 + Math.floor(next() * Math.min(3, k.sizes.length)) : 0;
  const sizeStart = k.sizes ? Math.floor(next() * (k.sizes.length - sizeCount + 1)) : 0;
  const sizes = k.sizes ? k.sizes.slice(sizeStart, sizeStart + sizeCount) : [];
  const base = Math.round((k.price[0] + next() * (k.price[1] - k.price[0])) / 100) * 100 - 5;
  const onSale = next() < 0.2;
  const variants: GeneratedVariant[] = colours.flatMap((c) =>
    (sizes.length ? sizes : [undefined]).map((size, si): GeneratedVariant => {
      const colourName = palette[c]![0];
      const price = base + si * 200;
      return {
        sku: `G${n}-${slugify(colourName).slice(0, 3)}${size ? `-${slugify(size)}` : ''}`.toUpperCase(),
        title: size ? `${colourName} / ${size}` : colourName,
        options: size ? { Colour: colourName, Size: size } : { Colour: colourName },
        price,
        compareAt: onSale ? Math.round((price * 1.25) / 100) * 100 : null,
        weightGrams: 100 + Math.floor(next() * 900),
        // Mostly in stock, some low, some sold out.
        onHand: next() < 0.08 ? 0 : next() < 0.1 ? 1 + Math.floor(next() * 4) : 5 + Math.floor(next() * 60),
        colour: c,
      };
    }),
  );
  const options = [{ name: 'Colour', values: colours.map((c) => palette[c]![0]) }, ...(sizes.length ? [{ name: 'Size', values: sizes }] : [])];
  const tags = [...new Set([pick(tagPool), pick(tagPool), ...(next() < 0.5 ? [pick(tagPool)] : [])])];
  const material = name.split(' ').slice(1, -1).join(' ');
  const intro = `${pick(benefits)} ${pick(benefits)}`;
  const points = [`**Material:** ${material}`, `**Care:** ${pick(care)}`, `**Colours:** ${options[0]!.values.join(', ')}`];
  const description = `${intro}\n\n${points.map((p) => `- ${p}`).join('\n')}\n`;
  const strong = (p: string): string => escapeHtml(p).replace(/\*\*(.+?)\*\*/g, '<strong>$1</strong>');
  const descriptionHtml = `<p>${escapeHtml(intro)}</p>\n<ul>\n${points.map((p) => `<li>${strong(p)}</li>`).join('\n')}\n</ul>\n`;
  return {
    slug,
    name,
    category: leaf.category,
    art: k.art,
    backdrop: k.backdrop,
    description,
    descriptionHtml,
    options,
    tags,
    featured: next() < 0.01,
    ageDays: next() * 365,
    variants,
  };
}
