import { KeyringError } from './errors';

/** Inputs above this are refused before any parsing (1 MiB; real keyrings of hundreds of keys fit). */
export const MAX_INPUT_BYTES = 1024 * 1024;

export type KeyInput = string | Uint8Array;

export function checkSize(input: KeyInput): void {
  // A string's UTF-8 size is at least its length, so a huge paste is refused without encoding it.
  const size = typeof input === 'string'
    ? (input.length > MAX_INPUT_BYTES ? Infinity : new TextEncoder().encode(input).length)
    : input.byteLength;
  if (size > MAX_INPUT_BYTES) throw new KeyringError('too-large', `${size} bytes`);
}

/** A .asc file read as bytes is still armor; binary OpenPGP always starts with a packet tag (high bit set). */
export function asArmorText(input: KeyInput): string | null {
  if (typeof input === 'string') return input;
  if (input.length > 0 && (input[0]! & 0x80) !== 0) return null;
  return new TextDecoder('utf-8', { fatal: false }).decode(input);
}

export type BlockType = 'PUBLIC' | 'PRIVATE';
export interface ArmorBlock { type: BlockType; text: string }

const BEGIN = /-----BEGIN PGP ([A-Z0-9 ,/]+)-----/g;

/**
 * Splits pasted text into its key blocks and checks each block's CRC-24 ourselves, because
 * openpgp 6 ignores a wrong checksum. Several blocks pasted together are all kept.
 */
export function splitArmor(text: string): ArmorBlock[] {
  const blocks: ArmorBlock[] = [];
  const normalized = text.replace(/\r\n?/g, '\n');
  for (const m of normalized.matchAll(BEGIN)) {
    const label = m[1]!;
    const kind = /^(PUBLIC|PRIVATE) KEY BLOCK$/.exec(label)?.[1] as BlockType | undefined;
    const endLine = `-----END PGP ${label}-----`;
    const end = normalized.indexOf(endLine, m.index);
    if (end < 0) throw new KeyringError('truncated', `no "${endLine}" line`);
    if (!kind) continue; // a signature or message next to keys is not ours to read
    const blockText = normalized.slice(m.index, end + endLine.length);
    checkCrc(blockText);
    blocks.push({ type: kind, text: `${blockText}\n` });
  }
  if (blocks.length === 0) throw new KeyringError('not-a-key', 'no key block');
  return blocks;
}

function checkCrc(block: string): void {
  const lines = block.split('\n').map((l) => l.trim());
  const blank = lines.indexOf('');
  // Without a blank line after the headers there is no body at all.
  if (blank < 0) throw new KeyringError('truncated', 'armor has no body');
  const body = lines.slice(blank + 1, -1).filter((l) => l !== '');
  const last = body[body.length - 1];
  if (last === undefined) throw new KeyringError('truncated', 'armor has no body');
  if (!/^=[A-Za-z0-9+/]{4}$/.test(last)) return; // the checksum is optional (RFC 9580)
  let data: Uint8Array;
  let sum: Uint8Array;
  try {
    data = fromBase64(body.slice(0, -1).join(''));
    sum = fromBase64(last.slice(1));
  } catch {
    throw new KeyringError('not-a-key', 'armor body is not base64');
  }
  const expected = (sum[0]! << 16) | (sum[1]! << 8) | sum[2]!;
  if (crc24(data) !== expected) throw new KeyringError('checksum');
}

function fromBase64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** CRC-24 of RFC 4880 §6.1. */
export function crc24(data: Uint8Array): number {
  let crc = 0xb704ce;
  for (const byte of data) {
    crc ^= byte << 16;
    for (let i = 0; i < 8; i++) {
      crc <<= 1;
      if (crc & 0x1000000) crc ^= 0x1864cfb;
    }
  }
  return crc & 0xffffff;
}
