/**
 * A synchronous walk over OpenPGP packet framing (RFC 9580 §4.2): tags and lengths only, no
 * cryptography. Used where an async openpgp call does not fit: telling which keys a message is
 * addressed to, and checking that a candidate base64 body of a mangled armored block really is
 * a packet stream.
 */

export interface Packet {
  tag: number;
  /** The body, or null for a body sent in partial chunks (only data packets may do that). */
  body: Uint8Array | null;
}

/** Packet tags a message may start with / consist of. */
const MESSAGE_TAGS = new Set([1, 2, 3, 4, 8, 9, 10, 11, 18, 20, 21]);
/** Transferable public key: a public key first, then key material, user ids, signatures. */
const KEY_TAGS = new Set([2, 6, 10, 12, 13, 14, 17, 21]);

/**
 * Splits bytes into top-level packets; null unless the packets tile the input exactly.
 * `limit` bounds how many packets are walked (hostile input can be many tiny packets).
 */
export function walkPackets(bytes: Uint8Array, limit = 10_000): Packet[] | null {
  const out: Packet[] = [];
  let pos = 0;
  while (pos < bytes.length) {
    if (out.length >= limit) return null;
    const first = bytes[pos++]!;
    if ((first & 0x80) === 0) return null;
    if (first & 0x40) {
      const tag = first & 0x3f;
      let partial = false;
      let body: Uint8Array | null = null;
      for (;;) {
        const len = newLength(bytes, pos);
        if (!len) return null;
        pos = len.next + len.length;
        if (pos > bytes.length) return null;
        if (!len.partial) {
          body = bytes.subarray(len.next, pos);
          break;
        }
        partial = true;
      }
      out.push({ tag, body: partial ? null : body });
    } else {
      const tag = (first >> 2) & 0x0f;
      const type = first & 3;
      if (type === 3) {
        // Indeterminate length: runs to the end of the input.
        out.push({ tag, body: bytes.subarray(pos) });
        pos = bytes.length;
        continue;
      }
      const size = [1, 2, 4][type]!;
      if (pos + size > bytes.length) return null;
      let length = 0;
      for (let i = 0; i < size; i++) length = length * 256 + bytes[pos + i]!;
      pos += size;
      if (pos + length > bytes.length) return null;
      out.push({ tag, body: bytes.subarray(pos, pos + length) });
      pos += length;
    }
  }
  return out;
}

function newLength(b: Uint8Array, at: number): { length: number; next: number; partial: boolean } | null {
  const l1 = b[at];
  if (l1 === undefined) return null;
  if (l1 < 192) return { length: l1, next: at + 1, partial: false };
  if (l1 < 224) {
    const l2 = b[at + 1];
    if (l2 === undefined) return null;
    return { length: ((l1 - 192) << 8) + l2 + 192, next: at + 2, partial: false };
  }
  if (l1 < 255) return { length: 1 << (l1 & 0x1f), next: at + 1, partial: true };
  if (at + 5 > b.length) return null;
  const length = b[at + 1]! * 0x1000000 + (b[at + 2]! << 16) + (b[at + 3]! << 8) + b[at + 4]!;
  return { length, next: at + 5, partial: false };
}

/** Whether `bytes` is framed like an OpenPGP message ('msg') or a public key ('key'). */
export function looksLike(kind: 'msg' | 'key', bytes: Uint8Array): boolean {
  const packets = walkPackets(bytes);
  if (!packets?.length) return false;
  if (kind === 'key') return packets[0]!.tag === 6 && packets.every((p) => KEY_TAGS.has(p.tag));
  if (!packets.every((p) => MESSAGE_TAGS.has(p.tag))) return false;
  const pkesk = packets.find((p) => p.tag === 1);
  return !pkesk?.body || pkesk.body[0] === 3 || pkesk.body[0] === 6;
}

/**
 * Key ids (16 uppercase hex digits) of the public-key-encrypted session keys, in order.
 * An anonymous recipient ("wildcard", RFC 9580 §5.1) is reported as 0000000000000000.
 */
export function recipientKeyIds(bytes: Uint8Array): string[] {
  const ids: string[] = [];
  for (const p of walkPackets(bytes) ?? []) {
    if (p.tag !== 1 || !p.body) continue;
    const b = p.body;
    if (b[0] === 3 && b.length >= 9) ids.push(hex(b.subarray(1, 9)));
    else if (b[0] === 6 && b.length >= 2) {
      const n = b[1]!;
      if (n === 0) ids.push('0'.repeat(16));
      // v4 fingerprints end with the key id; v6 fingerprints start with it.
      else if (b[2] === 4 && n === 21) ids.push(hex(b.subarray(15, 23)));
      else if (b[2] === 6 && n === 33) ids.push(hex(b.subarray(3, 11)));
    }
  }
  return ids;
}

function hex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
}
