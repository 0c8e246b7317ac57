/**
 * Draws the Cutline app icon and writes it in the formats electron-builder uses:
 * resources/icon.png (1024², Linux and the source for everything else), resources/icon.ico
 * (Windows: 16–256 px, PNG-compressed entries) and resources/icon.icns (macOS: 16–1024 px).
 * Plain Node, no image tools: `npx tsx resources/generate-icons.ts`.
 *
 * The picture: a rounded square in a violet-to-teal gradient, three clips on a timeline and a
 * yellow playhead cutting across them.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

type RGBA = [number, number, number, number];
const out = dirname(fileURLToPath(import.meta.url));

// ---- the picture, as a function of a point in the unit square ------------------------------

function roundedRect(x: number, y: number, x0: number, y0: number, x1: number, y1: number, r: number): boolean {
  if (x < x0 || x > x1 || y < y0 || y > y1) return false;
  const cx = Math.min(Math.max(x, x0 + r), x1 - r);
  const cy = Math.min(Math.max(y, y0 + r), y1 - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

const mix = (a: number, b: number, t: number) => a + (b - a) * t;

function paint(x: number, y: number): RGBA {
  if (!roundedRect(x, y, 0.08, 0.08, 0.92, 0.92, 0.19)) return [0, 0, 0, 0];
  const t = Math.min(1, Math.max(0, (x + y - 0.16) / 1.68));
  let c: RGBA = [mix(109, 20, t), mix(93, 184, t), mix(252, 166, t), 255];
  // clips on the timeline
  const clips: [number, number, number][] = [
    [0.22, 0.36, 0.66],
    [0.22, 0.5, 0.78],
    [0.22, 0.64, 0.54],
  ];
  for (const [x0, cy, x1] of clips) {
    if (roundedRect(x, y, x0, cy - 0.045, x1, cy + 0.045, 0.035)) c = [255, 255, 255, 255];
  }
  // the playhead: a bar and a triangular head
  const px = 0.6;
  if (Math.abs(x - px) <= 0.018 && y >= 0.26 && y <= 0.76) c = [255, 209, 102, 255];
  if (y >= 0.2 && y <= 0.28 && Math.abs(x - px) <= (0.28 - y) * 0.75) c = [255, 209, 102, 255];
  return c;
}

/** Renders at `size`², 4×4 supersampled. */
function render(size: number): Uint8Array {
  const px = new Uint8Array(size * size * 4);
  const n = 4;
  for (let j = 0; j < size; j++) {
    for (let i = 0; i < size; i++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < n; sy++) {
        for (let sx = 0; sx < n; sx++) {
          const [cr, cg, cb, ca] = paint((i + (sx + 0.5) / n) / size, (j + (sy + 0.5) / n) / size);
          r += cr * ca; g += cg * ca; b += cb * ca; a += ca;
        }
      }
      const o = (j * size + i) * 4;
      px[o] = a ? Math.round(r / a) : 0;
      px[o + 1] = a ? Math.round(g / a) : 0;
      px[o + 2] = a ? Math.round(b / a) : 0;
      px[o + 3] = Math.round(a / (n * n));
    }
  }
  return px;
}

// ---- PNG ------------------------------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, k) => {
  let c = k;
  for (let i = 0; i < 8; i++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const byte of buf) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size: number, rgba: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- ICO and ICNS (both may hold PNG data) ----------------------------------------------------

function ico(images: { size: number; data: Buffer }[]): Buffer {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2); // icon
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4); // planes
    e.writeUInt16LE(32, 6); // bits per pixel
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

function icns(images: { type: string; data: Buffer }[]): Buffer {
  const parts = images.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

const sizes = [16, 24, 32, 48, 64, 128, 256, 512, 1024];
const pngs = new Map(sizes.map((s) => [s, png(s, render(s))]));
const get = (s: number) => pngs.get(s)!;

writeFileSync(join(out, 'icon.png'), get(1024));
writeFileSync(join(out, 'icon.ico'), ico([16, 24, 32, 48, 64, 128, 256].map((size) => ({ size, data: get(size) }))));
writeFileSync(
  join(out, 'icon.icns'),
  icns([
    { type: 'icp4', data: get(16) },
    { type: 'icp5', data: get(32) },
    { type: 'icp6', data: get(64) },
    { type: 'ic07', data: get(128) },
    { type: 'ic08', data: get(256) },
    { type: 'ic09', data: get(512) },
    { type: 'ic10', data: get(1024) },
  ]),
);
process.stdout.write('wrote resources/icon.png, icon.ico, icon.icns\n');
