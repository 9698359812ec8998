/**
 * Mantle's transport text: one binary OpenPGP message as one or more single-line parts,
 *   MNTL1 <kind M|K> <id: 8 lowercase hex> <index: 3 digits>/<total: 3 digits> <standard base64>
 * e.g. "MNTL1 M 3f2a9c01 001/002 hQEMA…". The header is fixed-width, so the line still parses
 * when a site adds or drops whitespace, or inserts zero-width characters while wrapping or
 * linkifying. See docs/wire-format.md.
 */
import { fromBase64, toBase64 } from './base64';
import { parseArmored, type ArmoredBlock } from './armor';

export { armor, type ArmoredBlock } from './armor';
export { recipientKeyIds, walkPackets } from './packets';
export { fromBase64, toBase64 } from './base64';

export type WireKind = 'msg' | 'key';

export interface WirePart {
  kind: WireKind;
  /** 8 lowercase hex digits shared by all parts of one message. */
  id: string;
  /** 1-based. */
  index: number;
  total: number;
  /** This part's slice of the base64 text: a multiple of 4 characters, padded only if last. */
  payload: string;
}

/** Text that is clearly meant as Mantle wire text but cannot be used. */
export interface WireError {
  error: 'unsupported-version' | 'malformed' | 'bad-base64';
  version?: number;
}

export const WIRE_PREFIX = 'MNTL';
export const WIRE_VERSION = 1;
/** "MNTL1 M 3f2a9c01 001/002 " */
export const HEADER_LENGTH = 25;
export const MAX_PARTS = 999;

const KIND_LETTER: Record<WireKind, string> = { msg: 'M', key: 'K' };
/** Whitespace (NBSP included) and invisible characters that wrapping and linkification add. */
const IGNORABLE = /[\s\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;
const INVISIBLE = /[\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180E\u200B-\u200F\u202A-\u202E\u2060-\u206F\u3164\uFE00-\uFE0F\uFEFF\uFFA0]/g;
const V1 = /^MNTL1([MK])([0-9a-f]{8})(\d{3})\/(\d{3})(.*)$/s;

function randomId(): string {
  const b = crypto.getRandomValues(new Uint8Array(4));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/**
 * Splits a binary OpenPGP message (kind 'msg') or public key ('key') into wire parts of at most
 * `maxChars` characters each (all ASCII, so characters = code points = UTF-16 units).
 * `id` is for reproducible test vectors; normally it is random.
 * @throws RangeError if maxChars is too small or the message needs more than 999 parts.
 */
export function encodeWire(kind: WireKind, binary: Uint8Array, maxChars: number, id: string = randomId()): string[] {
  if (!/^[0-9a-f]{8}$/.test(id)) throw new RangeError('wire id must be 8 lowercase hex digits');
  const room = Math.floor((maxChars - HEADER_LENGTH) / 4) * 4;
  if (room < 4) throw new RangeError(`maxChars ${maxChars} leaves no room for a payload`);
  const b64 = toBase64(binary);
  const total = Math.max(1, Math.ceil(b64.length / room));
  if (total > MAX_PARTS) throw new RangeError(`message needs ${total} parts, over ${MAX_PARTS}`);
  const pad = (n: number) => String(n).padStart(3, '0');
  const parts: string[] = [];
  for (let i = 0; i < total; i++) {
    parts.push(`${WIRE_PREFIX}${WIRE_VERSION} ${KIND_LETTER[kind]} ${id} ${pad(i + 1)}/${pad(total)} ${b64.slice(i * room, (i + 1) * room)}`);
  }
  return parts;
}

/** Largest binary message that fits in one part of `maxChars`. */
export function maxSinglePartBytes(maxChars: number): number {
  return (Math.floor((maxChars - HEADER_LENGTH) / 4) * 4 / 4) * 3;
}

/**
 * Reads a bubble's whole textContent. null means "not Mantle, leave the bubble alone"; the whole
 * text must be one part or one armored block (surrounding whitespace aside).
 */
export function parseWire(text: string): WirePart | ArmoredBlock | WireError | null {
  const compact = text.replace(IGNORABLE, '');
  if (compact.startsWith(WIRE_PREFIX)) return parsePart(compact);
  if (compact.startsWith('-----BEGIN')) {
    return parseArmored(text.replace(INVISIBLE, '').replace(/[^\S\r\n\u2028\u2029]/g, ' '));
  }
  return null;
}

function parsePart(compact: string): WirePart | WireError | null {
  const version = /^MNTL(\d+)/.exec(compact);
  if (!version) return null;
  if (Number(version[1]) !== WIRE_VERSION) return { error: 'unsupported-version', version: Number(version[1]) };
  const m = V1.exec(compact);
  if (!m) return { error: 'malformed' };
  const index = Number(m[3]);
  const total = Number(m[4]);
  if (index < 1 || total < 1 || index > total) return { error: 'malformed' };
  const payload = m[5]!;
  // Only the last part may carry padding; each part decodes on its own.
  if (!payload || (index < total && payload.includes('=')) || !fromBase64(payload)) return { error: 'bad-base64' };
  return { kind: m[1] === 'K' ? 'key' : 'msg', id: m[2]!, index, total, payload };
}

export function isWireError(x: unknown): x is WireError {
  return typeof x === 'object' && x !== null && 'error' in x;
}

export type AddResult =
  | { complete: Uint8Array; kind: WireKind }
  | { waiting: { have: number[]; total: number } }
  | { conflict: 'total' | 'kind' | 'payload'; have: number[]; total: number };

interface Pending { kind: WireKind; total: number; parts: Map<number, string>; done?: Uint8Array }

/**
 * Collects parts per message id, in any order. Exact duplicates are ignored; a part that
 * contradicts what was seen first for its id (other total, kind or payload) is refused and
 * reported, and the first-seen parts stay. A completed message stays complete.
 */
export class Reassembler {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly maxMessages = 1000) {}

  add(part: WirePart): AddResult {
    const p = this.pending.get(part.id) ?? this.start(part);
    const have = () => [...p.parts.keys()].sort((a, b) => a - b);
    const seen = p.parts.get(part.index);
    const conflict = part.total !== p.total ? 'total' : part.kind !== p.kind ? 'kind' : seen !== undefined && seen !== part.payload ? 'payload' : null;
    if (conflict) return { conflict, have: have(), total: p.total };
    if (p.done) return { complete: p.done, kind: p.kind };
    p.parts.set(part.index, part.payload);
    if (p.parts.size < p.total) return { waiting: { have: have(), total: p.total } };
    let b64 = '';
    for (let i = 1; i <= p.total; i++) b64 += p.parts.get(i)!;
    const done = fromBase64(b64);
    // Every part decoded alone and only the last is padded, so the join always decodes.
    if (!done) return { conflict: 'payload', have: have(), total: p.total };
    p.done = done;
    return { complete: done, kind: p.kind };
  }

  private start(part: WirePart): Pending {
    // Bounded memory: the oldest unfinished message is dropped first.
    if (this.pending.size >= this.maxMessages) this.pending.delete(this.pending.keys().next().value!);
    const p: Pending = { kind: part.kind, total: part.total, parts: new Map() };
    this.pending.set(part.id, p);
    return p;
  }

  forget(id: string): void {
    this.pending.delete(id);
  }
}

export type Assembled =
  | { kind: WireKind; data: Uint8Array | string }
  | { waiting: { have: number[]; total: number } }
  | { error: WireError['error'] | 'not-wire' | 'mixed' | 'conflict' };

/**
 * The bubbles' texts of one message (its parts in any order, or a single armored block) to the
 * binary message (`data` is a Uint8Array) or armored text (`data` is a string).
 */
export function assembleWire(texts: string[]): Assembled {
  const parsed = texts.map(parseWire);
  const first = parsed[0];
  if (!first) return { error: 'not-wire' };
  if (isWireError(first)) return { error: first.error };
  if ('armored' in first) return parsed.length === 1 ? { kind: first.kind, data: first.armored } : { error: 'mixed' };
  const r = new Reassembler();
  let last: AddResult | null = null;
  for (const p of parsed) {
    if (!p) return { error: 'not-wire' };
    if (isWireError(p)) return { error: p.error };
    if ('armored' in p || p.id !== first.id) return { error: 'mixed' };
    last = r.add(p);
    if ('conflict' in last) return { error: 'conflict' };
  }
  if (!last || 'waiting' in last) return { waiting: last?.waiting ?? { have: [], total: first.total } };
  return { kind: last.kind, data: last.complete };
}
