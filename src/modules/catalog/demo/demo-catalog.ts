import type { ArtKind } from './product-art.js';

/** The demo shop's catalog: realistic names, prices in minor units, colour and size variants. */
export interface DemoCategory {
  slug: string;
  name: string;
  description: string;
  backdrop: string;
  products: DemoProduct[];
}

export interface DemoProduct {
  name: string;
  art: ArtKind;
  /** Price in minor units (pence). */
  price: number;
  colours: [string, string][];
  sizes?: string[];
  /** Per-size price steps, e.g. a larger size costs more. */
  sizePrices?: number[];
  description: string;
  compareAt?: number;
  featured?: boolean;
  /** Stock pattern: 'low' leaves a few, 'sold-out' none, 'partial' sells out the first colour. */
  stock?: 'low' | 'sold-out' | 'partial';
}

const apparelSizes = ['XS', 'S', 'M', 'L', 'XL'];

export const demoCatalog: DemoCategory[] = [
  {
    slug: 'kitchen-dining',
    name: 'Kitchen & Dining',
    description: 'Hand-thrown stoneware and everyday tableware, glazed in small batches in Stoke-on-Trent.',
    backdrop: '#E9E2D6',
    products: [
      { name: 'Ridge Stoneware Mug', art: 'mug', price: 2400, colours: [['Sage', '#8FA888'], ['Chalk', '#EDE8DF'], ['Clay', '#C57B57']], description: 'A generous 350 ml mug with a thumb-friendly handle and a speckled reactive glaze. Dishwasher and microwave safe.', featured: true },
      { name: 'Everyday Cereal Bowl', art: 'bowl', price: 2200, colours: [['Chalk', '#EDE8DF'], ['Ink Blue', '#2E4A6B']], description: 'Deep enough for porridge, wide enough for ramen. Satin glaze inside, raw clay foot.' },
      { name: 'Linen Edge Dinner Plate', art: 'plate', price: 2800, colours: [['Oat', '#D8C8A8'], ['Charcoal', '#4A4845']], description: 'A 27 cm plate with a softly raised rim that keeps sauces where they belong.' },
      { name: 'Wide Pasta Bowl', art: 'bowl', price: 3000, colours: [['Terracotta', '#B65E3C'], ['Chalk', '#EDE8DF']], description: 'Shallow and wide, made for twirling. Each one varies a little where the glaze pools.', stock: 'low' },
      { name: 'Serving Platter', art: 'plate', price: 5400, compareAt: 6800, colours: [['Sage', '#8FA888']], description: 'A 38 cm oval platter for roast dinners and long lunches. Oven safe to 220 °C.' },
      { name: 'Espresso Cup Pair', art: 'mug', price: 2600, colours: [['Charcoal', '#4A4845'], ['Rose', '#D9A5A0']], description: 'Two 90 ml cups with thick walls that hold the heat of a proper espresso.' },
      { name: 'Side Plate Set of Four', art: 'plate', price: 4800, colours: [['Chalk', '#EDE8DF'], ['Ochre', '#C68B2F']], description: 'Four 20 cm plates for toast, cake and everything in between.', stock: 'partial' },
      { name: 'Nesting Prep Bowls', art: 'bowl', price: 3600, colours: [['Forest', '#2F5D46']], description: 'Three bowls that stack into one: for whisking, marinating and serving.' },
    ],
  },
  {
    slug: 'coffee-tea',
    name: 'Coffee & Tea',
    description: 'Brewing kit for slow mornings: pour-over, loose leaf and everything to pour it into.',
    backdrop: '#E6DCCB',
    products: [
      { name: 'Ceramic Pour-over Dripper', art: 'dripper', price: 3200, colours: [['Chalk', '#EDE8DF'], ['Charcoal', '#4A4845']], description: 'A cone dripper with spiral ribs for an even extraction. Fits standard size 02 filters.', featured: true },
      { name: 'Borosilicate Glass Carafe', art: 'carafe', price: 3800, colours: [['Clear', '#CFE0E3']], description: 'Holds 600 ml, about four cups. Heat resistant glass with a cork collar for a cool grip.' },
      { name: 'Gooseneck Kettle', art: 'kettle', price: 6500, compareAt: 7900, colours: [['Matte Black', '#2B2B2B'], ['Brushed Steel', '#A9ADB0']], description: 'A slim spout for a slow, steady pour. Works on gas, electric and induction hobs.' },
      { name: 'Loose Leaf Tea Tin', art: 'tin', price: 1400, colours: [['Earl Grey', '#2E4A6B'], ['Sencha', '#6B7F3A'], ['Chai', '#B65E3C']], description: '100 g of whole-leaf tea in a reusable, airtight tin. Blended in Bristol.' },
      { name: 'Single Origin Beans', art: 'pouch', price: 1100, colours: [['Ethiopia', '#C68B2F'], ['Colombia', '#7A4A2A']], sizes: ['250 g', '1 kg'], sizePrices: [0, 2300], description: 'Roasted to order on Mondays and Thursdays. Tasting notes on the bag.', stock: 'low' },
      { name: 'Insulated Travel Cup', art: 'bottle', price: 2600, colours: [['Sage', '#8FA888'], ['Navy', '#22304A']], description: 'Double-walled steel that keeps coffee hot for three hours. Fits most cup holders.' },
      { name: 'Matcha Bowl and Whisk', art: 'bowl', price: 4200, colours: [['Moss', '#6B7F3A']], description: 'A hand-glazed chawan and an 80-prong bamboo whisk, boxed together.', stock: 'sold-out' },
      { name: 'Stoneware Teapot', art: 'kettle', price: 5800, colours: [['Chalk', '#EDE8DF'], ['Ink Blue', '#2E4A6B']], description: 'Brews 800 ml with a removable steel infuser. The lid stays put when you pour.' },
    ],
  },
  {
    slug: 'home-living',
    name: 'Home & Living',
    description: 'Soft furnishings, candles and vessels that make a room feel lived in.',
    backdrop: '#E4E0D8',
    products: [
      { name: 'Fig and Cedar Soy Candle', art: 'candle', price: 3400, colours: [['Amber', '#B9773A'], ['Smoke', '#5C5A57']], description: 'Hand-poured soy wax with a cotton wick. About 50 hours of slow, even burn.', featured: true },
      { name: 'Speckled Bud Vase', art: 'vase', price: 2200, colours: [['Chalk', '#EDE8DF'], ['Clay', '#C57B57']], description: 'A small vase for a single stem or a handful from the garden. 14 cm tall.' },
      { name: 'Washed Linen Cushion Cover', art: 'cushion', price: 3900, colours: [['Oat', '#D8C8A8'], ['Rust', '#A65233'], ['Sage', '#8FA888']], sizes: ['45 × 45 cm', '60 × 60 cm'], sizePrices: [0, 1000], description: 'Stonewashed European linen that gets softer with every wash. Hidden zip.' },
      { name: 'Lambswool Throw', art: 'throw', price: 8900, compareAt: 11000, colours: [['Heather Grey', '#8C8A86'], ['Mustard', '#D4A23A']], description: 'Woven in the Scottish Borders from pure lambswool. 130 × 180 cm with fringed ends.' },
      { name: 'Terracotta Planter', art: 'vase', price: 2900, colours: [['Terracotta', '#B65E3C']], description: 'Unglazed and breathable, with a drainage hole and a matching saucer.', stock: 'partial' },
      { name: 'Waffle Bath Towel', art: 'throw', price: 3200, colours: [['White', '#F1EEE8'], ['Sage', '#8FA888'], ['Clay', '#C57B57']], description: 'Quick-drying Turkish cotton in a honeycomb weave. Light enough to dry overnight.' },
      { name: 'Reed Diffuser', art: 'bottle', price: 2800, colours: [['Vetiver', '#6B6B3A'], ['Neroli', '#D4A23A']], description: 'Three months of scent from a 200 ml glass bottle and eight rattan reeds.' },
      { name: 'Stoneware Table Vase', art: 'vase', price: 4600, colours: [['Ink Blue', '#2E4A6B'], ['Chalk', '#EDE8DF']], description: 'A statement vase, 28 cm tall, glazed inside so it holds water.', stock: 'low' },
    ],
  },
  {
    slug: 'apparel',
    name: 'Apparel',
    description: 'Wardrobe staples in organic cotton and merino, cut to last longer than a season.',
    backdrop: '#E7E3DC',
    products: [
      { name: 'Organic Cotton Tee', art: 'tee', price: 3200, colours: [['White', '#F4F2EE'], ['Black', '#232323'], ['Sage', '#8FA888']], sizes: apparelSizes, description: 'A 180 gsm jersey tee in GOTS-certified organic cotton. Pre-shrunk, so it keeps its shape.', featured: true },
      { name: 'Merino Crew Sweater', art: 'sweater', price: 9500, colours: [['Navy', '#22304A'], ['Oat', '#D8C8A8']], sizes: apparelSizes, description: 'Extra-fine 18.5 micron merino, knitted in Portugal. Warm, light and itch-free.' },
      { name: 'Heavyweight Hoodie', art: 'sweater', price: 7800, compareAt: 9200, colours: [['Charcoal', '#4A4845'], ['Forest', '#2F5D46']], sizes: apparelSizes, description: 'Brushed-back 450 gsm loopback cotton with a double-layer hood and no drawcords to lose.' },
      { name: 'Ribbed Wool Beanie', art: 'beanie', price: 2800, colours: [['Mustard', '#D4A23A'], ['Navy', '#22304A'], ['Rust', '#A65233']], description: 'A deep-cuff beanie in recycled wool, knitted in Leicester.' },
      { name: 'Linen Camp Shirt', art: 'tee', price: 6800, colours: [['Sand', '#D8C8A8'], ['Ink Blue', '#2E4A6B']], sizes: apparelSizes, description: 'A relaxed short-sleeve shirt in midweight linen with corozo buttons.', stock: 'partial' },
      { name: 'Pocket Tee', art: 'tee', price: 3600, colours: [['Clay', '#C57B57'], ['Heather Grey', '#A3A09B']], sizes: apparelSizes, description: 'Our organic tee with a chest pocket and a slightly boxier cut.', stock: 'low' },
      { name: 'Cashmere Blend Scarf', art: 'throw', price: 5900, colours: [['Camel', '#B9935A'], ['Charcoal', '#4A4845']], description: 'A soft 30 % cashmere, 70 % merino scarf, 180 cm long.' },
      { name: 'Field Cap', art: 'beanie', price: 3000, colours: [['Olive', '#6B6B3A']], description: 'A six-panel cap in waxed cotton with an adjustable leather strap.', stock: 'sold-out' },
    ],
  },
  {
    slug: 'bags-travel',
    name: 'Bags & Travel',
    description: 'Waxed canvas, recycled nylon and leather goods for the commute and the weekend away.',
    backdrop: '#E2DED6',
    products: [
      { name: 'Waxed Canvas Tote', art: 'tote', price: 5800, colours: [['Olive', '#6B6B3A'], ['Navy', '#22304A'], ['Tan', '#B9935A']], description: 'A 16 oz waxed canvas tote with an inner zip pocket and leather handles that patina.', featured: true },
      { name: 'Roll-top Backpack', art: 'backpack', price: 12500, colours: [['Black', '#232323'], ['Forest', '#2F5D46']], description: '20 litres that expand to 26. Weatherproof recycled nylon and a padded 16" laptop sleeve.' },
      { name: 'Insulated Water Bottle', art: 'bottle', price: 3000, colours: [['Sage', '#8FA888'], ['Clay', '#C57B57'], ['Black', '#232323']], sizes: ['500 ml', '750 ml'], sizePrices: [0, 600], description: 'Keeps water cold for 24 hours. Leakproof lid with a carry loop.' },
      { name: 'Weekender Holdall', art: 'tote', price: 16500, compareAt: 19500, colours: [['Tan', '#B9935A']], description: 'Cabin-sized, with a separate shoe compartment and a luggage sleeve.', stock: 'low' },
      { name: 'Zip Pouch', art: 'pouch', price: 2400, colours: [['Natural', '#E6DCC8'], ['Black', '#232323']], description: 'A canvas pouch for cables, pens or passports. Brass YKK zip.' },
      { name: 'Hanging Wash Bag', art: 'pouch', price: 3800, colours: [['Navy', '#22304A']], description: 'Unrolls and hangs on a hook, with a water-resistant lining and four pockets.' },
      { name: 'Sling Bag', art: 'backpack', price: 6400, colours: [['Charcoal', '#4A4845'], ['Sand', '#D8C8A8']], description: 'Just big enough for a phone, wallet, keys and a paperback. Wear it across the body.', stock: 'partial' },
      { name: 'Travel Tumbler', art: 'bottle', price: 2200, colours: [['Ochre', '#C68B2F']], description: 'A 350 ml tumbler with a sliding lid that fits under most coffee machines.' },
    ],
  },
  {
    slug: 'stationery',
    name: 'Stationery',
    description: 'Paper goods and writing tools for lists, letters and long-hand thinking.',
    backdrop: '#E8E4DC',
    products: [
      { name: 'Dot Grid Notebook A5', art: 'notebook', price: 1800, colours: [['Forest', '#2F5D46'], ['Rust', '#A65233'], ['Navy', '#22304A']], description: '192 numbered pages of 100 gsm paper that fountain pens will not bleed through. Lay-flat binding.', featured: true },
      { name: 'Pocket Notebook Trio', art: 'notebook', price: 1500, colours: [['Kraft', '#C9A878']], description: 'Three 48-page notebooks, plain, lined and squared, for the back pocket.' },
      { name: 'Brass Ballpoint Pen', art: 'pen', price: 3400, colours: [['Brass', '#C9A24A'], ['Black', '#232323']], description: 'Machined from solid brass and weighted for comfort. Takes standard refills.' },
      { name: 'Fountain Pen', art: 'pen', price: 4800, compareAt: 5600, colours: [['Ink Blue', '#2E4A6B'], ['Bordeaux', '#6E2433']], description: 'A steel nib in fine or medium with a converter and a cartridge of blue-black ink.' },
      { name: 'Undated Weekly Planner', art: 'notebook', price: 2400, colours: [['Sage', '#8FA888'], ['Charcoal', '#4A4845']], description: 'A year of weeks on the left, notes on the right. Start on any Monday.', stock: 'low' },
      { name: 'Letterpress Card Set', art: 'notebook', price: 1600, colours: [['Cream', '#EFE6D2']], description: 'Eight blank cards and envelopes, printed by hand on cotton paper in Devon.' },
      { name: 'Pencil Set of Six', art: 'pen', price: 900, colours: [['Natural', '#D8B98A'], ['Black', '#232323']], description: 'Cedar pencils in 2H to 4B, with a brass sharpener in the tin.', stock: 'partial' },
      { name: 'Desk Pad Tear-off', art: 'notebook', price: 1400, colours: [['White', '#F4F2EE']], description: '60 sheets of A4 with a light grid, for plans that need space.' },
    ],
  },
];
