/**
 * Product photography for the demo shop, drawn as SVG and rasterised locally with sharp, so a fresh
 * install has realistic-looking images without downloading anything.
 */
export type ArtKind =
  | 'mug' | 'bowl' | 'plate' | 'dripper' | 'carafe' | 'kettle' | 'candle' | 'vase' | 'cushion' | 'throw'
  | 'tee' | 'sweater' | 'beanie' | 'tote' | 'backpack' | 'bottle' | 'notebook' | 'pen' | 'pouch' | 'tin';

const size = 800;

function shade(hex: string, amount: number): string {
  const n = Number.parseInt(hex.slice(1), 16);
  const channel = (shift: number): number => {
    const c = (n >> shift) & 0xff;
    const v = amount < 0 ? c * (1 + amount) : c + (255 - c) * amount;
    return Math.max(0, Math.min(255, Math.round(v)));
  };
  return `#${[16, 8, 0].map((s) => channel(s).toString(16).padStart(2, '0')).join('')}`;
}

const shapes: Record<ArtKind, (c: string, d: string, l: string) => string> = {
  mug: (c, d, l) => `<path d="M250 300h260v250a60 60 0 0 1-60 60H310a60 60 0 0 1-60-60Z" fill="${c}"/><path d="M510 360h30a70 70 0 0 1 0 140h-30v-36h30a34 34 0 0 0 0-68h-30Z" fill="${d}"/><ellipse cx="380" cy="300" rx="130" ry="22" fill="${d}"/><ellipse cx="380" cy="302" rx="118" ry="16" fill="#3b2a20"/><rect x="280" y="340" width="26" height="220" rx="13" fill="${l}" opacity=".35"/>`,
  bowl: (c, d, l) => `<path d="M200 380h400a200 170 0 0 1-400 0Z" fill="${c}"/><ellipse cx="400" cy="380" rx="200" ry="40" fill="${d}"/><ellipse cx="400" cy="384" rx="180" ry="30" fill="${l}" opacity=".5"/><path d="M250 420a160 140 0 0 0 90 120" stroke="${l}" stroke-width="18" fill="none" opacity=".35" stroke-linecap="round"/>`,
  plate: (c, d, l) => `<ellipse cx="400" cy="440" rx="270" ry="120" fill="${d}"/><ellipse cx="400" cy="430" rx="262" ry="112" fill="${c}"/><ellipse cx="400" cy="440" rx="170" ry="70" fill="${d}" opacity=".35"/><path d="M190 400a230 95 0 0 1 160-70" stroke="${l}" stroke-width="14" fill="none" opacity=".5" stroke-linecap="round"/>`,
  dripper: (c, d, l) => `<path d="M260 260h280l-90 190h-100Z" fill="${c}"/><rect x="230" y="240" width="340" height="30" rx="15" fill="${d}"/><rect x="330" y="450" width="140" height="24" rx="8" fill="${d}"/><path d="M300 560h200l-20 70H320Z" fill="${shade(c, -0.45)}" opacity=".9"/><path d="M300 290l60 130" stroke="${l}" stroke-width="16" opacity=".4" stroke-linecap="round"/>`,
  carafe: (c, d, l) => `<path d="M350 220h100v110c90 40 130 110 130 190a120 110 0 0 1-120 110H340a120 110 0 0 1-120-110c0-80 40-150 130-190Z" fill="${c}" opacity=".85"/><rect x="340" y="200" width="120" height="40" rx="10" fill="${d}"/><path d="M240 540a100 100 0 0 0 100 100h120a100 100 0 0 0 100-100Z" fill="#5b3a26" opacity=".8"/><path d="M290 420c-20 40-20 90 0 130" stroke="${l}" stroke-width="14" fill="none" opacity=".55" stroke-linecap="round"/>`,
  kettle: (c, d, l) => `<path d="M260 360h280l30 230a40 40 0 0 1-40 40H270a40 40 0 0 1-40-40Z" fill="${c}"/><path d="M540 420c90-10 120-90 140-150" stroke="${d}" stroke-width="18" fill="none" stroke-linecap="round"/><path d="M300 360c0-80 200-80 200 0" stroke="${d}" stroke-width="22" fill="none"/><ellipse cx="400" cy="360" rx="140" ry="20" fill="${d}"/><rect x="285" y="400" width="24" height="190" rx="12" fill="${l}" opacity=".4"/>`,
  candle: (c, d, l) => `<rect x="290" y="330" width="220" height="280" rx="24" fill="${c}"/><ellipse cx="400" cy="330" rx="110" ry="22" fill="${d}"/><ellipse cx="400" cy="332" rx="96" ry="16" fill="#f3ead8"/><rect x="396" y="280" width="8" height="46" fill="#2a2a2a"/><path d="M400 200c26 34 26 60 0 80-26-20-26-46 0-80Z" fill="#f2a33a"/><rect x="320" y="430" width="160" height="90" rx="6" fill="#f7f3ea"/><rect x="314" y="360" width="22" height="220" rx="11" fill="${l}" opacity=".35"/>`,
  vase: (c, d, l) => `<path d="M360 200h80v60c0 40 90 80 90 190 0 110-60 170-130 170s-130-60-130-170c0-110 90-150 90-190Z" fill="${c}"/><ellipse cx="400" cy="200" rx="40" ry="10" fill="${d}"/><path d="M320 420c-10 70 10 130 50 170" stroke="${l}" stroke-width="16" fill="none" opacity=".4" stroke-linecap="round"/><path d="M400 200c-10-60 10-110 40-150M400 200c20-50 60-80 100-90" stroke="#4f6b45" stroke-width="8" fill="none" stroke-linecap="round"/>`,
  cushion: (c, d, l) => `<path d="M200 250q200-40 400 0q40 150 0 300q-200 40-400 0q-40-150 0-300Z" fill="${c}"/><path d="M230 400h340" stroke="${d}" stroke-width="6" stroke-dasharray="14 10"/><path d="M240 280q160-26 320 0" stroke="${l}" stroke-width="14" fill="none" opacity=".4" stroke-linecap="round"/>`,
  throw: (c, d, l) => `<rect x="200" y="420" width="400" height="80" rx="30" fill="${d}"/><rect x="200" y="350" width="400" height="80" rx="30" fill="${c}"/><rect x="200" y="280" width="400" height="80" rx="30" fill="${shade(c, 0.12)}"/><path d="M220 500v40M250 500v40M280 500v40M310 500v40M340 500v40M370 500v40M400 500v40M430 500v40M460 500v40M490 500v40M520 500v40M550 500v40M580 500v40" stroke="${d}" stroke-width="6"/><path d="M230 300h340" stroke="${l}" stroke-width="10" opacity=".4" stroke-linecap="round"/>`,
  tee: (c, d, l) => `<path d="M320 200c20 30 140 30 160 0l140 60-40 110-60-25v285H280V345l-60 25-40-110Z" fill="${c}"/><path d="M320 200c20 40 140 40 160 0" stroke="${d}" stroke-width="12" fill="none"/><path d="M300 360v250" stroke="${l}" stroke-width="16" opacity=".3" stroke-linecap="round"/>`,
  sweater: (c, d, l) => `<path d="M320 200c20 30 140 30 160 0l130 50 50 330-70 10-40-230v270H270V360l-40 230-70-10 50-330Z" fill="${c}"/><path d="M320 200c20 40 140 40 160 0" stroke="${d}" stroke-width="16" fill="none"/><rect x="270" y="600" width="260" height="30" fill="${d}"/><path d="M300 300v280" stroke="${l}" stroke-width="16" opacity=".3" stroke-linecap="round"/>`,
  beanie: (c, d, l) => `<path d="M230 500c0-190 80-270 170-270s170 80 170 270Z" fill="${c}"/><rect x="215" y="480" width="370" height="100" rx="20" fill="${d}"/><path d="M260 490v80M300 490v80M340 490v80M380 490v80M420 490v80M460 490v80M500 490v80M540 490v80" stroke="${shade(d, -0.15)}" stroke-width="6"/><circle cx="400" cy="215" r="40" fill="${d}"/><path d="M290 430c0-90 40-140 80-160" stroke="${l}" stroke-width="14" fill="none" opacity=".35" stroke-linecap="round"/>`,
  tote: (c, d, l) => `<path d="M320 330v-60a80 80 0 0 1 160 0v60" stroke="${d}" stroke-width="20" fill="none"/><path d="M230 330h340l20 300H210Z" fill="${c}"/><rect x="330" y="420" width="140" height="90" rx="6" fill="${d}" opacity=".3"/><path d="M250 350l-10 250" stroke="${l}" stroke-width="14" opacity=".35" stroke-linecap="round"/>`,
  backpack: (c, d, l) => `<rect x="260" y="230" width="280" height="400" rx="60" fill="${c}"/><rect x="300" y="430" width="200" height="150" rx="24" fill="${d}"/><path d="M340 230v-30a60 60 0 0 1 120 0v30" stroke="${d}" stroke-width="18" fill="none"/><rect x="300" y="300" width="200" height="14" rx="7" fill="${d}"/><path d="M285 270v300" stroke="${l}" stroke-width="16" opacity=".3" stroke-linecap="round"/>`,
  bottle: (c, d, l) => `<rect x="330" y="260" width="140" height="380" rx="50" fill="${c}"/><rect x="350" y="200" width="100" height="70" rx="14" fill="${d}"/><rect x="330" y="330" width="140" height="16" fill="${d}" opacity=".4"/><rect x="350" y="290" width="20" height="320" rx="10" fill="${l}" opacity=".4"/>`,
  notebook: (c, d, l) => `<rect x="250" y="190" width="300" height="420" rx="14" fill="${c}"/><rect x="250" y="190" width="28" height="420" rx="10" fill="${d}"/><rect x="500" y="190" width="16" height="420" fill="${d}" opacity=".8"/><rect x="330" y="260" width="140" height="60" rx="6" fill="${l}" opacity=".55"/><path d="M420 610v60l20-16 20 16v-60" fill="#b8463a"/>`,
  pen: (c, d, l) => `<g transform="rotate(-35 400 400)"><rect x="380" y="150" width="40" height="420" rx="20" fill="${c}"/><path d="M380 570h40l-20 80Z" fill="${d}"/><rect x="380" y="230" width="40" height="16" fill="${d}"/><rect x="415" y="170" width="8" height="130" rx="4" fill="${d}"/><rect x="388" y="260" width="10" height="280" rx="5" fill="${l}" opacity=".45"/></g>`,
  pouch: (c, d, l) => `<path d="M220 330h360v230a50 50 0 0 1-50 50H270a50 50 0 0 1-50-50Z" fill="${c}"/><rect x="220" y="320" width="360" height="26" rx="8" fill="${d}"/><rect x="560" y="314" width="30" height="60" rx="8" fill="${shade(d, -0.2)}"/><path d="M250 380v190" stroke="${l}" stroke-width="14" opacity=".35" stroke-linecap="round"/>`,
  tin: (c, d, l) => `<rect x="290" y="290" width="220" height="320" rx="16" fill="${c}"/><rect x="280" y="260" width="240" height="60" rx="14" fill="${d}"/><rect x="320" y="400" width="160" height="110" rx="8" fill="#f7f3ea"/><rect x="345" y="430" width="110" height="12" rx="6" fill="${d}"/><rect x="365" y="460" width="70" height="10" rx="5" fill="${d}" opacity=".6"/><rect x="305" y="330" width="20" height="260" rx="10" fill="${l}" opacity=".35"/>`,
};

/** A product photograph as SVG: soft backdrop, floor shadow, and the object in its colour. */
export function productSvg(kind: ArtKind, colour: string, backdrop: string): string {
  const body = shapes[kind](colour, shade(colour, -0.25), shade(colour, 0.6));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<defs><linearGradient id="bg" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${shade(backdrop, 0.35)}"/><stop offset=".72" stop-color="${backdrop}"/><stop offset=".72" stop-color="${shade(backdrop, -0.06)}"/><stop offset="1" stop-color="${shade(backdrop, -0.1)}"/></linearGradient>
<radialGradient id="sh"><stop offset="0" stop-color="#000" stop-opacity=".28"/><stop offset="1" stop-color="#000" stop-opacity="0"/></radialGradient></defs>
<rect width="${size}" height="${size}" fill="url(#bg)"/><ellipse cx="400" cy="650" rx="250" ry="34" fill="url(#sh)"/>${body}</svg>`;
}

export const artSize = size;
