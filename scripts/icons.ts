/** Draws Mantle's padlock icon as PNGs (run once: `npx tsx scripts/icons.ts`); no image tools needed. */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';

function crc32(buf: Uint8Array): number {
  let c = ~0;
  for (const b of buf) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

/** Coverage of pixel (x,y) in unit coordinates: a rounded tile with a white padlock. */
function colour(u: number, v: number): [number, number, number, number] {
  const r = 0.2;
  const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
  const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
  if (dx * dx + dy * dy > r * r) return [0, 0, 0, 0];
  const body = u > 0.27 && u < 0.73 && v > 0.45 && v < 0.8;
  const ring = Math.hypot(u - 0.5, v - 0.45);
  const shackle = v <= 0.45 && ring > 0.12 && ring < 0.19;
  const keyhole = Math.hypot(u - 0.5, v - 0.6) < 0.045 || (Math.abs(u - 0.5) < 0.02 && v > 0.6 && v < 0.7);
  if ((body && !keyhole) || shackle) return [255, 255, 255, 255];
  return [37, 99, 235, 255];
}

function png(size: number): Buffer {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const ss = 4; // supersampling for smooth edges
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let i = 0; i < ss; i++)
        for (let j = 0; j < ss; j++) {
          const c = colour((x + (i + 0.5) / ss) / size, (y + (j + 0.5) / ss) / size);
          for (let k = 0; k < 4; k++) acc[k]! += k < 3 ? c[k]! * c[3]! : c[3]!;
        }
      const a = acc[3]!;
      const o = y * (size * 4 + 1) + 1 + x * 4;
      for (let k = 0; k < 3; k++) raw[o + k] = a ? Math.round(acc[k]! / a) : 0;
      raw[o + 3] = Math.round(a / (ss * ss));
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  const sig = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);
  return Buffer.concat([sig, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

const dir = new URL('../extension/public/icons/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const size of [16, 32, 48, 128]) writeFileSync(new URL(`${size}.png`, dir), png(size));
