/** Standard base64 (RFC 4648 §4, never base64url). atob/btoa exist in Node 20, pages and
 * service workers alike; atob alone is too lenient, so input is validated first. */

// A plain character-class run, not a grouped repetition: stays linear on megabyte inputs.
const CHARS = /^[A-Za-z0-9+/]*={0,2}$/;

export function toBase64(bytes: Uint8Array): string {
  let bin = '';
  // Chunked: String.fromCharCode with a spread of millions of arguments overflows the stack.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Decodes canonical, padded standard base64; null for anything else. */
export function fromBase64(text: string): Uint8Array | null {
  if (text.length % 4 !== 0 || !CHARS.test(text)) return null;
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function isBase64Char(c: string): boolean {
  return /^[A-Za-z0-9+/]$/.test(c);
}
