/**
 * Generates the sample clips the editor ships with (resources/media/*.svg): small animated SVG
 * "frames" drawn here, so nothing is downloaded and the output is deterministic.
 *
 *   npm run media
 *
 * The catalogue the renderer shows (names, durations, which clip is damaged) is in
 * src/renderer/src/media.ts; keep the file names in step.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededRandom } from '@cutline/contract/random'; // deterministic: re-running gives identical files

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'resources', 'media');
const W = 320;
const H = 180;


const r1 = (n: number) => Math.round(n * 10) / 10;

function svg(title: string, body: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}">\n` +
    `<title>${title}</title>\n${body}\n</svg>\n`
  );
}

function sunrise(): string {
  const waves = Array.from({ length: 5 }, (_, i) => {
    const y = 125 + i * 12;
    return `<path d="M0 ${y} Q40 ${y - 5} 80 ${y} T160 ${y} T240 ${y} T320 ${y}" fill="none" stroke="#fbd9a6" stroke-opacity="${0.5 - i * 0.08}" stroke-width="2">
  <animateTransform attributeName="transform" type="translate" values="0 0;-20 0;0 0" dur="${4 + i}s" repeatCount="indefinite"/></path>`;
  }).join('\n');
  return svg(
    'Sunrise over the bay',
    `<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
  <stop offset="0" stop-color="#2b3a67"/><stop offset="0.55" stop-color="#f28f3b"/><stop offset="1" stop-color="#ffd6a5"/></linearGradient>
  <linearGradient id="sea" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#24506b"/><stop offset="1" stop-color="#0e2436"/></linearGradient></defs>
<rect width="${W}" height="${H}" fill="url(#sky)"/>
<circle cx="160" cy="125" r="26" fill="#ffe8a3"><animate attributeName="cy" values="135;108;135" dur="8s" repeatCount="indefinite"/></circle>
<rect y="118" width="${W}" height="62" fill="url(#sea)"/>
${waves}
<path d="M0 118 L60 96 L110 118 Z" fill="#1c2a44"/><path d="M230 118 L290 90 L320 104 L320 118 Z" fill="#1c2a44"/>`,
  );
}

function city(): string {
  const rnd = seededRandom(7);
  let buildings = '';
  let x = 0;
  while (x < W) {
    const w = 24 + Math.floor(rnd() * 28);
    const h = 50 + Math.floor(rnd() * 90);
    buildings += `<rect x="${x}" y="${150 - h}" width="${w - 3}" height="${h}" fill="#141b33"/>`;
    for (let wy = 150 - h + 8; wy < 144; wy += 10) {
      for (let wx = x + 4; wx < x + w - 8; wx += 8) {
        if (rnd() < 0.45) buildings += `<rect x="${wx}" y="${wy}" width="4" height="5" fill="#ffd86b" fill-opacity="${r1(0.5 + rnd() * 0.5)}"/>`;
      }
    }
    x += w;
  }
  return svg(
    'City at night',
    `<defs><linearGradient id="n" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#0b1026"/><stop offset="1" stop-color="#3b2b5e"/></linearGradient></defs>
<rect width="${W}" height="${H}" fill="url(#n)"/>
<circle cx="262" cy="34" r="12" fill="#f1f1e6"/>
${buildings}
<rect y="150" width="${W}" height="30" fill="#22222c"/>
<rect y="163" width="${W}" height="2" fill="#8a8a99" stroke-dasharray="12 10"/>
<g><circle cx="0" cy="158" r="3" fill="#ff4d4d"/><circle cx="10" cy="158" r="3" fill="#ff4d4d"/>
  <animateTransform attributeName="transform" type="translate" values="-20 0;340 0" dur="5s" repeatCount="indefinite"/></g>
<g><circle cx="0" cy="170" r="3" fill="#fff6c2"/><circle cx="10" cy="170" r="3" fill="#fff6c2"/>
  <animateTransform attributeName="transform" type="translate" values="340 0;-20 0" dur="4s" repeatCount="indefinite"/></g>`,
  );
}

function forest(): string {
  const rnd = seededRandom(11);
  let trees = '';
  for (let i = 0; i < 16; i++) {
    const x = r1(rnd() * W);
    const s = 0.6 + rnd() * 0.8;
    const base = 120 + s * 30;
    const shade = ['#1f5130', '#27643a', '#2f7a45', '#1a4428'][i % 4];
    trees += `<path d="M${x} ${r1(base - 80 * s)} L${r1(x + 22 * s)} ${r1(base)} L${r1(x - 22 * s)} ${r1(base)} Z" fill="${shade}"/>`;
  }
  return svg(
    'Forest trail',
    `<defs><linearGradient id="f" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#cfe8d5"/><stop offset="1" stop-color="#7fb58c"/></linearGradient></defs>
<rect width="${W}" height="${H}" fill="url(#f)"/>
${trees}
<rect y="140" width="${W}" height="40" fill="#3f6b3a"/>
<path d="M140 180 Q160 150 165 140 L175 140 Q185 150 220 180 Z" fill="#b89868"/>
<g fill="#fff" fill-opacity="0.7"><circle cx="40" cy="40" r="2"><animate attributeName="cy" values="30;150" dur="6s" repeatCount="indefinite"/></circle>
<circle cx="250" cy="20" r="2"><animate attributeName="cy" values="10;150" dur="7s" repeatCount="indefinite"/></circle></g>`,
  );
}

function interview(): string {
  return svg(
    'Interview — Maya',
    `<defs><radialGradient id="bg" cx="0.5" cy="0.4" r="0.8"><stop offset="0" stop-color="#5c6f91"/><stop offset="1" stop-color="#1d2438"/></radialGradient></defs>
<rect width="${W}" height="${H}" fill="url(#bg)"/>
<rect x="20" y="20" width="70" height="110" rx="4" fill="#2b3552"/><rect x="232" y="34" width="64" height="90" rx="4" fill="#2b3552"/>
<path d="M95 180 Q100 120 160 116 Q220 120 225 180 Z" fill="#c2553d"/>
<rect x="150" y="96" width="20" height="24" fill="#d9a27e"/>
<ellipse cx="160" cy="78" rx="26" ry="32" fill="#e7b48f"/>
<path d="M132 74 Q134 40 162 42 Q190 44 188 76 Q182 56 160 56 Q140 56 132 74 Z" fill="#3a2418"/>
<g fill="#3a2418"><ellipse cx="150" cy="80" rx="3" ry="3.5"><animate attributeName="ry" values="3.5;3.5;0.4;3.5" keyTimes="0;0.9;0.95;1" dur="4s" repeatCount="indefinite"/></ellipse>
<ellipse cx="170" cy="80" rx="3" ry="3.5"><animate attributeName="ry" values="3.5;3.5;0.4;3.5" keyTimes="0;0.9;0.95;1" dur="4s" repeatCount="indefinite"/></ellipse></g>
<path d="M152 96 Q160 101 168 96" stroke="#8a3b2e" stroke-width="2" fill="none"><animate attributeName="d" values="M152 96 Q160 101 168 96;M152 96 Q160 104 168 96;M152 96 Q160 101 168 96" dur="0.6s" repeatCount="indefinite"/></path>`,
  );
}

function product(): string {
  return svg(
    'Product spin',
    `<defs><linearGradient id="p" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#f4f1ea"/><stop offset="1" stop-color="#d8d2c4"/></linearGradient></defs>
<rect width="${W}" height="${H}" fill="url(#p)"/>
<ellipse cx="160" cy="150" rx="80" ry="12" fill="#000" fill-opacity="0.15"/>
<g><path d="M100 120 Q110 80 150 82 L190 70 Q215 70 222 100 L230 128 Q232 140 218 140 L110 140 Q96 140 100 120 Z" fill="#e4572e"/>
<path d="M100 130 L230 130 L230 140 L100 140 Z" fill="#fafafa"/>
<path d="M150 88 L170 116 M162 82 L182 112 M176 76 L194 106" stroke="#fff" stroke-width="3"/>
<animateTransform attributeName="transform" type="rotate" values="-6 160 110;6 160 110;-6 160 110" dur="6s" repeatCount="indefinite"/></g>`,
  );
}

function corrupt(): string {
  const rnd = seededRandom(3);
  let bars = '';
  for (let i = 0; i < 28; i++) {
    const y = Math.floor(rnd() * H);
    const h = 2 + Math.floor(rnd() * 10);
    const colors = ['#ff00aa', '#00ffd5', '#39ff14', '#6b6b6b', '#1e1e1e', '#ffee00'];
    bars += `<rect x="${Math.floor(rnd() * 120) - 60}" y="${y}" width="${W + 80}" height="${h}" fill="${colors[i % colors.length]}" fill-opacity="${r1(0.3 + rnd() * 0.6)}"/>`;
  }
  return svg(
    'Drone shot (damaged)',
    `<rect width="${W}" height="${H}" fill="#4c6b86"/>
<rect y="110" width="${W}" height="70" fill="#51703f"/>
<g>${bars}<animateTransform attributeName="transform" type="translate" values="0 0;-14 3;8 -2;0 0" dur="0.8s" repeatCount="indefinite"/></g>
<rect x="0" y="60" width="${W}" height="36" fill="#000" fill-opacity="0.55"/>`,
  );
}

function generatedImage(): string {
  const rnd = seededRandom(42);
  let blobs = '';
  const hues = [265, 300, 200, 330, 180];
  for (let i = 0; i < 9; i++) {
    blobs += `<circle cx="${Math.floor(rnd() * W)}" cy="${Math.floor(rnd() * H)}" r="${20 + Math.floor(rnd() * 60)}" fill="hsl(${hues[i % hues.length]} 80% 60%)" fill-opacity="0.55"/>`;
  }
  return svg(
    'AI image',
    `<defs><filter id="b"><feGaussianBlur stdDeviation="8"/></filter></defs>
<rect width="${W}" height="${H}" fill="#14102b"/>
<g filter="url(#b)">${blobs}</g>
<path d="M0 150 Q80 110 160 140 T320 120 L320 180 L0 180 Z" fill="#0c0a1c" fill-opacity="0.8"/>`,
  );
}

function generatedVideo(): string {
  const frames = [0, 1, 2]
    .map((i) => {
      const x = 14 + i * 102;
      return `<rect x="${x}" y="40" width="90" height="70" rx="4" fill="hsl(${200 + i * 40} 60% 45%)"/>
<circle cx="${x + 30 + i * 10}" cy="70" r="12" fill="#ffe8a3"/>
<path d="M${x} 110 L${x + 30} 84 L${x + 55} 100 L${x + 90} 76 L${x + 90} 110 Z" fill="#0f2a1c" fill-opacity="0.7"/>
<text x="${x + 4}" y="126" font-family="sans-serif" font-size="9" fill="#c9cbe0">Scene ${i + 1}</text>`;
    })
    .join('\n');
  return svg(
    'Script to video',
    `<rect width="${W}" height="${H}" fill="#1b1d2e"/>
<rect y="0" width="${W}" height="14" fill="#10111b"/><rect y="166" width="${W}" height="14" fill="#10111b"/>
${Array.from({ length: 16 }, (_, i) => `<rect x="${6 + i * 20}" y="4" width="10" height="6" rx="1" fill="#2d3047"/><rect x="${6 + i * 20}" y="170" width="10" height="6" rx="1" fill="#2d3047"/>`).join('')}
${frames}
<rect x="14" y="140" width="0" height="4" fill="#7c5cff"><animate attributeName="width" values="0;292" dur="6s" repeatCount="indefinite"/></rect>`,
  );
}

const FILES: Record<string, () => string> = {
  'sunrise.svg': sunrise,
  'city-night.svg': city,
  'forest-trail.svg': forest,
  'interview.svg': interview,
  'product-spin.svg': product,
  'drone-damaged.svg': corrupt,
  'generated-image.svg': generatedImage,
  'generated-video.svg': generatedVideo,
};

mkdirSync(OUT, { recursive: true });
for (const [name, make] of Object.entries(FILES)) {
  const text = make();
  writeFileSync(join(OUT, name), text);
  console.log(`${name}  ${text.length} bytes`);
}
