/**
 * Seeded mutations of Mantle wire messages, for the fuzz test (Node) and its sample through the
 * real extension (test/e2e/robustness.e2e.ts). Deterministic: the same seed and index always give
 * the same input, so a failure names exactly what to replay.
 */
import { encodeWire, fromBase64, toBase64 } from '../../../src/wire';

/** mulberry32: small, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type R = () => number;
const int = (r: R, n: number) => Math.floor(r() * n);
const pick = <T>(r: R, xs: readonly T[]): T => xs[int(r, xs.length)]!;

const ODD = ['\u202E', '\u200B', '\u2066', '\uFEFF', '\u00A0', '\n', ' ', '=', '/', '+', '-', '_', '!', '<', '"', '\u0000', 'é', '\u{1F600}', 'MNTL1', '001/001', '999/999', '-----BEGIN PGP MESSAGE-----'];

/** One message's parts mutated as text: what a hostile or broken site could put in the bubbles. */
function mutateText(r: R, parts: string[]): string[] {
  const out = [...parts];
  if (!out.length) return [pick(r, ODD)];
  const i = int(r, out.length);
  const s = out[i]!;
  const at = int(r, s.length + 1);
  switch (int(r, 9)) {
    case 0: out[i] = s.slice(0, at) + s.slice(at + 1 + int(r, 8)); break; // delete
    case 1: out[i] = s.slice(0, at) + pick(r, ODD) + s.slice(at); break; // insert
    case 2: out[i] = s.slice(0, at) + String.fromCharCode(int(r, 0x10000)) + s.slice(at + 1); break; // replace
    case 3: out[i] = s.slice(0, at); break; // truncate
    case 4: out.splice(i, 1); break; // drop a part
    case 5: out.push(out[i]!); break; // duplicate a part
    case 6: out.reverse(); break;
    case 7: out[i] = s.replace(/^MNTL1 ([MK]) ([0-9a-f]{8}) (\d{3})\/(\d{3})/, (_, k: string, id: string, a: string, b: string) =>
      pick(r, [`MNTL1 ${k === 'M' ? 'K' : 'M'} ${id} ${a}/${b}`, `MNTL1 ${k} ${id} ${b}/${a}`, `MNTL1 ${k} ${id} 000/${b}`, `MNTL${int(r, 10)} ${k} ${id} ${a}/${b}`, `MNTL1 ${k} ffffffff ${a}/${b}`])); break;
    default: out[i] = s + s.slice(25); // payload doubled
  }
  return out;
}

/** The decoded bytes mutated, then re-encoded as valid wire text: reaches the OpenPGP parser. */
function mutateBytes(r: R, parts: string[], kind: 'msg' | 'key', maxChars: number): string[] {
  const bytes = parts.length ? fromBase64(parts.map((p) => p.slice(25)).join('')) : null;
  if (!bytes) return parts;
  let b = bytes.slice();
  const n = 1 + int(r, 4);
  for (let k = 0; k < n; k++) {
    const at = int(r, b.length);
    switch (int(r, 6)) {
      case 0: b[at]! ^= 1 << int(r, 8); break; // bit flip
      case 1: b[at] = pick(r, [0, 0xff, 0x7f, 0x80, 0xc0, 0xe0, 0xed]); break; // interesting byte
      case 2: b = b.slice(0, at); break; // truncate
      case 3: b = Uint8Array.from([...b.slice(0, at), ...b.slice(at, at + int(r, 64)), ...b.slice(at)]); break; // repeat a slice
      case 4: b = Uint8Array.from([...b.slice(0, at), ...b.slice(at + 1 + int(r, 16))]); break; // cut a slice
      default: b = Uint8Array.from([...b.slice(0, at), ...Array.from({ length: 1 + int(r, 32) }, () => int(r, 256)), ...b.slice(at)]); // random insert
    }
  }
  if (b.length === 0) b = Uint8Array.of(int(r, 256));
  const id = parts[0]!.slice(8, 16);
  return encodeWire(kind, b, maxChars, /^[0-9a-f]{8}$/.test(id) ? id : '00000000');
}

export interface Seed { name: string; kind: 'msg' | 'key'; parts: string[]; maxChars: number }

/** The i-th input of a run: a seed message, mutated as text or as bytes. */
export function mutant(seed: number, i: number, seeds: Seed[]): { from: string; wire: string[] } {
  const r = rng(seed ^ Math.imul(i + 1, 0x9e3779b1));
  const s = pick(r, seeds);
  const wire = r() < 0.45 ? mutateText(r, s.parts) : mutateBytes(r, s.parts, s.kind, s.maxChars);
  return { from: s.name, wire: r() < 0.1 ? mutateText(r, wire) : wire };
}

export { toBase64 };
