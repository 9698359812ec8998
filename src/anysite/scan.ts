/**
 * Finds Mantle ciphertext on an arbitrary page: wire parts (several may share one element, as
 * Mantle writes a multi-part message into one field separated by spaces) and armored OpenPGP
 * messages or public keys. Only text outside editable fields counts: what the user is still
 * editing is not a message yet.
 */
import { isWireError, parseWire } from '../wire';

export interface Found {
  /** The wire id for Mantle parts; a unique id for armored blocks. */
  id: string;
  /** Each part's text (one entry for an armored block). */
  wire: string[];
}

const PART = /MNTL\d[\s\u00A0]*[MK][\s\u00A0]*[0-9a-f]{8}[\s\u00A0]*\d{3}\/\d{3}[\s\u00A0]*[A-Za-z0-9+/]+=*/g;
const ARMORED = /-----BEGIN PGP (?:MESSAGE|PUBLIC KEY BLOCK)-----[\s\S]*?-----END PGP (?:MESSAGE|PUBLIC KEY BLOCK)-----/g;
const INVISIBLE = /[\u00AD\u200B-\u200F\u2060-\u206F\uFEFF]/g;

let unique = 0;

/** Ciphertext in one element's text, grouped per message, in order of appearance. */
export function findCiphertext(raw: string): Found[] {
  const text = raw.replace(INVISIBLE, '');
  const groups = new Map<string, string[]>();
  for (const m of text.match(PART) ?? []) {
    const parsed = parseWire(m);
    if (!parsed || isWireError(parsed) || 'armored' in parsed) continue;
    const parts = groups.get(parsed.id) ?? [];
    if (!parts.includes(m)) parts.push(m);
    groups.set(parsed.id, parts);
  }
  const found: Found[] = [...groups].map(([id, wire]) => ({ id, wire }));
  for (const block of text.match(ARMORED) ?? []) {
    const parsed = parseWire(block);
    if (parsed && !isWireError(parsed)) found.push({ id: `armored-${++unique}`, wire: [block] });
  }
  return found;
}

/** True when the text is ciphertext and nothing else (so its element can be replaced). */
export function onlyCiphertext(raw: string): boolean {
  return raw.replace(INVISIBLE, '').replace(PART, '').replace(ARMORED, '').trim() === '';
}

const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEXTAREA', 'INPUT', 'TEMPLATE', 'IFRAME']);
const MARKERS = ['MNTL', '-----BEGIN PGP'];

/**
 * The elements holding ciphertext under `root`: the nearest element around each text that has
 * a marker, outside editable content. An element is reported once, with everything in it.
 */
export function elementsWithCiphertext(root: Element, skip: (el: Element) => boolean = () => false): Element[] {
  const doc = root.ownerDocument;
  const walker = doc.createTreeWalker(root, 4 /* NodeFilter.SHOW_TEXT */);
  const out = new Set<Element>();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const value = node.nodeValue ?? '';
    if (!MARKERS.some((m) => value.includes(m))) continue;
    let el = node.parentElement;
    if (!el || hidden(el, skip)) continue;
    // A marker split across inline elements (linkified, highlighted) is read from the block.
    while (el.parentElement && el !== root && findCiphertext(el.textContent ?? '').length === 0) el = el.parentElement;
    if (findCiphertext(el.textContent ?? '').length) out.add(el);
  }
  // Keep the innermost: an element inside another reported one is covered by its own report.
  return [...out].filter((el) => ![...out].some((o) => o !== el && el.contains(o)));
}

function hidden(el: Element, skip: (el: Element) => boolean): boolean {
  for (let e: Element | null = el; e; e = e.parentElement) {
    if (SKIP.has(e.tagName) || skip(e)) return true;
    if ((e as HTMLElement).isContentEditable || e.getAttribute('contenteditable') === 'true') return true;
  }
  return false;
}
