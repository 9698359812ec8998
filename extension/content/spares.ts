/**
 * Message frames loaded ahead of need (issue 7). A frame's document is what a bubble waits for:
 * creating its browsing context and loading it takes 300-500 ms on a busy 2-core machine, and a
 * screen of new bubbles waited for several at once. A spare is loaded off-screen while the page is
 * idle, moved into a bubble with `moveBefore` (which keeps its document alive), and only then gets
 * its message, by a grant posted into it (frame.ts). Each spare shows one message in its life:
 * frames are never reused for another message, so nothing of one message can show under another.
 *
 * Without `moveBefore` (Chromium before 133, Firefox before 144) there are no spares, and every
 * bubble gets a frame of its own as before.
 */
import { alive, onOrphaned } from './lifecycle';
import { spareFrame } from './frame';

/** About one screen of bubbles. Each spare is a document kept in memory while it waits. */
const COUNT = 6;
const supported = typeof Element !== 'undefined' && 'moveBefore' in Element.prototype;

interface Spare { frame: HTMLIFrameElement; reload: () => void }
const ready: Spare[] = [];
let loading: Spare | null = null;
let shelf: HTMLElement | null = null;
let scheduled = false;

onOrphaned(() => {
  shelf?.remove();
  ready.length = 0;
});

/**
 * A loaded spare, still where this script put it (one the page moved, or reloaded by moving it, is
 * dropped), or null. `onReload` runs if the frame loads again later (the page moved it): its claim
 * is spent by then, as with any frame.
 */
export function takeSpare(onReload: () => void): HTMLIFrameElement | null {
  let taken: Spare | undefined;
  while ((taken = ready.shift())) {
    if (taken.frame.parentElement === shelf && shelf?.isConnected) break;
    taken.frame.remove();
  }
  fillSpares();
  if (!taken) return null;
  taken.reload = onReload;
  return taken.frame;
}

type Movable = ParentNode & { moveBefore(node: Node, child: Node | null): void };

/** Moves a taken spare right after `el`, keeping its document; false if the browser would not. */
export function placeSpare(frame: HTMLIFrameElement, el: Element): boolean {
  try {
    (el.parentNode as Movable).moveBefore(frame, el.nextSibling);
    return true;
  } catch {
    frame.remove();
    return false;
  }
}

/** Loads spares one at a time while the page is idle, until there are COUNT. */
export function fillSpares(): void {
  if (!supported || scheduled || !alive()) return;
  if (loading && !loading.frame.isConnected) loading = null;
  // The page (or the site's own re-rendering of the body) may have removed some.
  for (let i = ready.length - 1; i >= 0; i--) if (ready[i]!.frame.parentElement !== shelf || !shelf?.isConnected) ready.splice(i, 1);
  if (loading || ready.length >= COUNT) return;
  scheduled = true;
  idle(() => {
    scheduled = false;
    if (!alive()) return;
    load();
  });
}

function load(): void {
  if (!shelf?.isConnected) {
    for (const old of document.querySelectorAll('[data-mantle-shelf]')) old.remove();
    shelf = document.createElement('div');
    shelf.dataset.mantleShelf = '';
    shelf.setAttribute('aria-hidden', 'true');
    // Laid out (a frame that is not gets no animation frames), but off-screen and inert.
    shelf.style.cssText = 'position:fixed;left:-10000px;top:0;width:480px;height:120px;overflow:hidden;pointer-events:none;';
    (document.body ?? document.documentElement).append(shelf);
  }
  const spare: Spare = {
    frame: spareFrame(
      () => {
        if (loading === spare) loading = null;
        ready.push(spare);
        fillSpares();
      },
      () => spare.reload(),
    ),
    // Loaded again before it was taken: the page moved it, so it goes.
    reload: () => {
      const i = ready.indexOf(spare);
      if (i >= 0) ready.splice(i, 1);
      if (loading === spare) loading = null;
      spare.frame.remove();
      fillSpares();
    },
  };
  spare.frame.style.cssText = 'display:block;border:0;width:480px;height:120px;';
  loading = spare;
  shelf.append(spare.frame);
}

function idle(run: () => void): void {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(run, { timeout: 1000 });
  else setTimeout(run, 50);
}
