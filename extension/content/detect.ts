/** Recognises Mantle ciphertext (or a pasted armored block) in a bubble's text. */
import { isWireError, parseWire } from '@src/wire';

export interface Detected {
  /** Parts of one message share this id; other texts get a unique one. */
  id: string;
  index: number;
  total: number;
  wire: string;
  /** Base64 characters in a Mantle message part's payload; 0 for anything else (key share, armored block, damaged text). */
  payload: number;
}

let unique = 0;

export function detect(text: string): Detected | null {
  const parsed = parseWire(text);
  if (!parsed) return null;
  // Damaged wire text and armored blocks stand alone; the background says what they are.
  if (isWireError(parsed) || 'armored' in parsed) return { id: `single-${++unique}`, index: 1, total: 1, wire: text, payload: 0 };
  return { id: parsed.id, index: parsed.index, total: parsed.total, wire: text, payload: parsed.kind === 'msg' ? parsed.payload.length : 0 };
}
