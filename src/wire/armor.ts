/**
 * Classic ASCII-armored blocks (RFC 9580 §6.2) as they survive in a chat bubble: pasted from
 * GnuPG, then possibly with newlines collapsed into spaces, or dropped entirely (a `<br>` has no
 * textContent). Without newlines the armor headers ("Version: …", "Comment: …") can no longer be
 * told from the body by syntax, so candidate body starts are checked against the packet framing.
 */
import { fromBase64, toBase64 } from './base64';
import { looksLike } from './packets';

export interface ArmoredBlock {
  kind: 'msg' | 'key';
  /** Canonical armor (headers and checksum dropped, 64-column body), ready for openpgp. */
  armored: string;
  binary: Uint8Array;
}

const LABELS = { msg: 'PGP MESSAGE', key: 'PGP PUBLIC KEY BLOCK' } as const;
const BLOCK = /^-----BEGIN (PGP MESSAGE|PGP PUBLIC KEY BLOCK)-----([\s\S]*)-----END \1-----$/;
const HEADER_LINE = /^[A-Za-z][A-Za-z0-9-]*: ?/;
const B64_TOKEN = /^[A-Za-z0-9+/=]+$/;
const NOT_B64 = /[^A-Za-z0-9+/=]/g;
/** How far into a collapsed block the body may start (armor headers are short). */
const SCAN_CHARS = 512;
/** Packets a message or a key may start with (PKESK, SKESK, OPS, signature, compressed, marker,
 * literal, SED, SEIPD, AEAD, padding; public key). */
const FIRST_TAGS = new Set([1, 2, 3, 4, 6, 8, 9, 10, 11, 18, 20, 21]);

/** Recognises a bubble's text (zero-width characters already removed) as one armored block. */
export function parseArmored(text: string): ArmoredBlock | null {
  const m = BLOCK.exec(text.trim());
  if (!m) return null;
  const kind = m[1] === LABELS.key ? 'key' : 'msg';
  for (const candidate of candidates(m[2]!)) {
    const binary = decodeBody(candidate);
    if (binary && looksLike(kind, binary)) return { kind, binary, armored: armor(kind, binary) };
  }
  return null;
}

export function armor(kind: 'msg' | 'key', binary: Uint8Array): string {
  const body = toBase64(binary).replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${LABELS[kind]}-----\n\n${body}\n-----END ${LABELS[kind]}-----\n`;
}

/** Possible base64 bodies, most likely first. */
function* candidates(inner: string): Generator<string> {
  const lines = inner.split(/\r\n|[\r\n\u2028\u2029]/).map((l) => l.trim());
  if (lines.filter(Boolean).length > 1) {
    let i = 0;
    while (i < lines.length && !lines[i]) i++;
    while (i < lines.length && HEADER_LINE.test(lines[i]!)) i++;
    yield lines.slice(i).join('');
  }
  // Collapsed: headers, if any, end at the last token that cannot be base64. Their last words
  // may still look like base64 ("Version: GnuPG v2"), and with newlines dropped the body may be
  // glued to a header ("…Made by mehQEMA…"): try token starts first, then every character.
  const tokens = inner.trim().split(/\s+/).filter(Boolean);
  let last = -1;
  tokens.forEach((t, i) => {
    if (!B64_TOKEN.test(t)) last = i;
  });
  const head = last >= 0 ? tokens[last]!.slice(lastIndexOf(tokens[last]!, NOT_B64) + 1) : '';
  const rest = tokens.slice(last + 1);
  const all = head + rest.join('');
  const starts = [head.length];
  for (const t of rest.slice(0, -1)) starts.push(starts[starts.length - 1]! + t.length);
  const seen = new Set<number>();
  for (const at of [...starts, ...Array.from({ length: Math.min(all.length, SCAN_CHARS) }, (_, i) => i)]) {
    if (seen.has(at)) continue;
    seen.add(at);
    yield all.slice(at);
  }
}

function lastIndexOf(s: string, re: RegExp): number {
  let at = -1;
  for (const m of s.matchAll(re)) at = m.index;
  return at;
}

/** Base64 body with an optional trailing "=XXXX" CRC-24 line (ignored: OpenPGP's own
 * integrity protection is what counts, and RFC 9580 makes the checksum optional). */
function decodeBody(s: string): Uint8Array | null {
  const crc = /=[A-Za-z0-9+/]{4}$/.exec(s);
  if (crc && (s.length - 5) % 4 === 0) s = s.slice(0, -5);
  // A body starting with a byte below 0x80 cannot be a packet; skip decoding it.
  if (!s || !/^[g-z0-9+/]/.test(s)) return null;
  // Cheap first look at the first packet's header before decoding everything.
  const head = fromBase64(s.slice(0, 8));
  if (!head || !FIRST_TAGS.has(head[0]! & 0x40 ? head[0]! & 0x3f : (head[0]! >> 2) & 0x0f)) return null;
  return fromBase64(s);
}
