/**
 * The text field the user asked Mantle to write into, on any site: a textarea, a text input, or a
 * contenteditable editor (Lexical, ProseMirror, Quill, Slate, Draft.js and the like). Mantle only
 * ever puts ciphertext here, replacing the field's content, and reads it back: a field that ends
 * up holding anything else is cleared and the insertion reported as failed.
 */

export type FieldKind = 'textarea' | 'input' | 'editable';
export interface Field { el: HTMLElement; kind: FieldKind }

const TEXT_INPUTS = new Set(['text', 'search', 'email', 'url', '']);

/** The field for an element that has focus (or holds the caret), or null if it takes no text. */
export function fieldOf(target: Element | null): Field | null {
  if (!target) return null;
  const win = target.ownerDocument.defaultView;
  if (!win) return null;
  if (target instanceof win.HTMLTextAreaElement) return target.readOnly || target.disabled ? null : { el: target, kind: 'textarea' };
  if (target instanceof win.HTMLInputElement) {
    const ok = TEXT_INPUTS.has(target.type.toLowerCase()) && !target.readOnly && !target.disabled;
    return ok ? { el: target, kind: 'input' } : null;
  }
  if (!(target instanceof win.HTMLElement) || !target.isContentEditable) return null;
  // The editing host: the outermost contenteditable element around the caret.
  let host: HTMLElement = target;
  while (host.parentElement?.isContentEditable) host = host.parentElement;
  return { el: host, kind: 'editable' };
}

/** The focused field of a document, looking through open shadow roots. */
export function focusedField(doc: Document): Field | null {
  let active: Element | null = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return fieldOf(active);
}

/** Editors pad empty or edited blocks with invisible characters; they are not content. */
const PADDING = /[\u200B\uFEFF\u2060]/g;

export function readField(f: Field): string {
  if (f.kind !== 'editable') return (f.el as HTMLInputElement | HTMLTextAreaElement).value;
  return (f.el.innerText ?? f.el.textContent ?? '').replace(PADDING, '').trim();
}

const holds = (f: Field, text: string) => readField(f) === text;

/** React and others track a field's value through the prototype's setter, not the element's own. */
function setValue(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = Object.getPrototypeOf(el) as object;
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  if (setter) setter.call(el, value);
  else el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

function selectAll(el: HTMLElement): void {
  const sel = el.ownerDocument.getSelection();
  if (!sel) return;
  const range = el.ownerDocument.createRange();
  range.selectNodeContents(el);
  sel.removeAllRanges();
  sel.addRange(range);
}

const tick = () => new Promise((r) => setTimeout(r, 30));

async function settle(f: Field, text: string, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (holds(f, text)) return true;
    await tick();
  }
  return holds(f, text);
}

/**
 * The ways editors accept text, tried in turn on a fully selected editor: the browser's own
 * editing command (fires beforeinput/input, which ProseMirror, Quill, Slate and Draft.js
 * follow), a scripted beforeinput (what Lexical and Slate handle themselves), then a paste.
 */
const strategies: ((el: HTMLElement, text: string) => void)[] = [
  (el, text) => void el.ownerDocument.execCommand('insertText', false, text),
  (el, text) => {
    el.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText', data: text, bubbles: true, cancelable: true, composed: true }));
  },
  (el, text) => {
    const data = new DataTransfer();
    data.setData('text/plain', text);
    el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true, composed: true }));
  },
];

/** Empties the field, best effort. */
export async function clearField(f: Field): Promise<void> {
  if (f.kind !== 'editable') return setValue(f.el as HTMLInputElement, '');
  selectAll(f.el);
  f.el.ownerDocument.execCommand('delete');
  await tick();
  if (readField(f)) {
    selectAll(f.el);
    f.el.dispatchEvent(new InputEvent('beforeinput', { inputType: 'deleteContentBackward', bubbles: true, cancelable: true }));
    await tick();
  }
}

/**
 * Replaces the field's content with `text` (ciphertext) and checks it reads back exactly.
 * Contenteditable editors act on the document selection, so the editor is focused for the
 * moment of insertion; the caller gives focus back to Mantle's frame right after.
 */
export async function insertText(f: Field, text: string): Promise<boolean> {
  if (/[\r\n]/.test(text) && f.kind === 'input') return false;
  if (f.kind !== 'editable') {
    setValue(f.el as HTMLInputElement, text);
    return settle(f, text, 300);
  }
  for (const strategy of strategies) {
    if (!f.el.isConnected) return false;
    f.el.focus({ preventScroll: true });
    selectAll(f.el);
    await tick();
    strategy(f.el, text);
    if (await settle(f, text, 400)) return true;
    // Whatever a failed strategy left (part of the text, or the text twice) goes before the next.
    if (readField(f)) await clearField(f);
  }
  return false;
}
