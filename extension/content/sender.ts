/**
 * Puts ciphertext — and only ciphertext — into the site's Lexical editor and sends it the way
 * the site does. Every part is read back from the editor first: if the editor holds anything but
 * exactly the ciphertext, nothing is sent and the editor is cleared.
 */
import type { SiteAdapter } from '@src/sites/types';

export class SendError extends Error {
  constructor(readonly code: 'no-compose-box' | 'editor-mismatch' | 'send-failed') {
    super(code);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** How long a fill may take before trying again the slow way; Lexical fills in one task. */
const QUICK_FILL_MS = 150;

/** Lexical renders a plain-text paragraph per line; the text is the editor's textContent. */
function editorText(box: HTMLElement): string {
  return box.textContent ?? '';
}

/**
 * Resolves as soon as `check` holds after a change inside `box` (the editor's own DOM updates),
 * or with its last answer after `ms`. Waiting on mutations rather than animation frames costs
 * no frame per step (issue 7: send latency).
 */
function until(box: HTMLElement, check: () => boolean, ms: number): Promise<boolean> {
  if (check()) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (v: boolean) => {
      observer.disconnect();
      clearTimeout(timer);
      resolve(v);
    };
    const observer = new MutationObserver(() => check() && done(true));
    observer.observe(box, { subtree: true, childList: true, characterData: true });
    const timer = setTimeout(() => done(check()), ms);
  });
}

/**
 * Lexical reads the document selection when `selectionchange` reaches it (a task after the
 * change): putting the selection in the editor and letting that event through is all it needs.
 */
function selectAll(box: HTMLElement): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, 50);
    document.addEventListener('selectionchange', () => {
      clearTimeout(timer);
      setTimeout(resolve, 0); // after Lexical's own listener for the same event
    }, { once: true });
    getSelection()?.selectAllChildren(box);
  });
}

/**
 * The same without waiting for the browser's event: Lexical's listener reads the live selection,
 * so telling it now saves a task or two per send (issue 7). The browser's own event still follows.
 */
function selectAllNow(box: HTMLElement): void {
  getSelection()?.selectAllChildren(box);
  document.dispatchEvent(new Event('selectionchange'));
}

function insert(box: HTMLElement, text: string): void {
  // beforeinput insertText is what Lexical accepts in both Chromium and Firefox (see sites.md).
  box.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText', data: text, bubbles: true, cancelable: true, composed: true }));
}

async function clear(box: HTMLElement): Promise<void> {
  await selectAll(box);
  box.dispatchEvent(new InputEvent('beforeinput', { inputType: 'deleteContentBackward', bubbles: true, cancelable: true }));
  await until(box, () => editorText(box) === '', 500);
}

function pressEnter(box: HTMLElement): void {
  const init = { key: 'Enter', code: 'Enter', keyCode: 13, which: 13, bubbles: true, cancelable: true, composed: true };
  box.dispatchEvent(new KeyboardEvent('keydown', init));
  box.dispatchEvent(new KeyboardEvent('keyup', init));
}

/**
 * The site's editor is made inert while Mantle fills and sends it: otherwise the browser (Firefox
 * always, Chromium on focus()) moves keyboard focus into it, and whatever the user keeps typing
 * would land in the page's editor as plaintext. Inert, it cannot take focus, yet still accepts
 * the scripted input events, so focus stays in Mantle's frame throughout.
 */
async function withInert<T>(box: HTMLElement, fn: () => Promise<T>): Promise<T> {
  const was = box.inert;
  box.inert = true;
  try {
    return await fn();
  } finally {
    box.inert = was;
  }
}

async function sendOne(adapter: SiteAdapter, part: string): Promise<void> {
  const box = adapter.composeBox(document);
  if (!box) throw new SendError('no-compose-box');
  await withInert(box, () => fillAndSend(adapter, box, part));
}

async function fillAndSend(adapter: SiteAdapter, box: HTMLElement, part: string): Promise<void> {
  const filled = () => editorText(box) === part;
  selectAllNow(box);
  insert(box, part);
  // Some Lexical builds take a script's selection only from the browser's own event: select
  // again, and wait for it. Inserting over a select-all replaces whatever the first try left.
  if (!(await until(box, filled, QUICK_FILL_MS))) {
    await selectAll(box);
    insert(box, part);
    if (!(await until(box, filled, 1000))) {
      await clear(box);
      throw new SendError('editor-mismatch');
    }
  }
  pressEnter(box);
  if (await until(box, () => editorText(box) === '', 1500)) return;
  // Enter did not send (the user may have turned Enter-to-send off): use the site's button,
  // but only while the editor still holds exactly our ciphertext.
  const button = adapter.sendButton(document);
  if (button && editorText(box) === part) {
    button.click();
    if (await until(box, () => editorText(box) === '', 2000)) return;
  }
  if (editorText(box) !== part) await clear(box);
  throw new SendError('send-failed');
}

export async function sendParts(adapter: SiteAdapter, parts: string[]): Promise<number> {
  let sent = 0;
  for (const part of parts) {
    await sendOne(adapter, part);
    sent++;
    // Sites rate-limit bursts; a short pause keeps the parts in order on the relay.
    if (sent < parts.length) await sleep(150);
  }
  return sent;
}
