/**
 * Plaintext as the message frame lays it out: always text nodes, never markup. Characters that
 * reorder or hide text (bidi embeddings, overrides and isolates; invisible spacers) are made
 * visible as their code point, so "invoice\u202Efdp.exe" cannot pose as "invoiceexe.pdf".
 * Joiners (ZWJ, ZWNJ) and the plain direction marks (LRM, RLM, ALM) stay: emoji sequences and
 * right-to-left scripts need them, and they cannot reorder text on their own.
 */
export type Segment = string | { control: string };

const CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200B\u2060-\u2064\uFEFF\u180E\u00AD\u034F\u115F\u1160\u3164\uFFA0]/g;

/** "U+202E" for one control character. */
export const codePoint = (c: string) => `U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

export function segments(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of text.matchAll(CONTROLS)) {
    if (m.index > last) out.push(text.slice(last, m.index));
    out.push({ control: codePoint(m[0]) });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}
