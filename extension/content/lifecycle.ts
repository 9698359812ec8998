/**
 * An updated or reloaded extension leaves this content script orphaned: its frames are dead and
 * it can no longer reach the background. It must then stop acting at once, remove what it put on
 * the page, and tell the user to reload — never keep a half-working composer around.
 */
import browser from '../lib/browser';

let orphaned = false;
const cleanups: (() => void)[] = [];

export function alive(): boolean {
  if (orphaned) return false;
  let id: string | undefined;
  try {
    id = browser.runtime?.id;
  } catch {
    id = undefined;
  }
  if (id) return true;
  orphan();
  return false;
}

/**
 * Coalesces calls into one run on the next animation frame (DOM observers fire in bursts), and
 * none at all once the extension was reloaded under this script.
 */
export function perFrame(run: () => unknown): () => void {
  let scheduled = false;
  return () => {
    if (scheduled || !alive()) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      void run();
    });
  };
}

export function onOrphaned(cleanup: () => void): void {
  cleanups.push(cleanup);
}

/**
 * Notices a reload even on a page where nothing happens (reading runtime.id costs no message),
 * and clears what an earlier instance left: Firefox injects the new content script into open
 * tabs, next to the dead frames of the old one.
 */
export function watchLifecycle(): void {
  for (const el of document.querySelectorAll('iframe[data-mantle], [data-mantle-orphaned]')) el.remove();
  const timer = setInterval(() => {
    if (!alive()) clearInterval(timer);
  }, 1_000);
}

function orphan(): void {
  orphaned = true;
  for (const c of cleanups) c();
  for (const frame of document.querySelectorAll('iframe[data-mantle]')) frame.remove();
  // Plain page DOM on purpose: the extension's own pages can no longer be loaded from here.
  const note = document.createElement('div');
  note.setAttribute('role', 'alert');
  note.dataset.mantleOrphaned = '';
  note.textContent = 'Mantle was updated or reloaded. Reload this tab to keep encrypting; until then Mantle does nothing here.';
  note.style.cssText = 'position:fixed;z-index:2147483647;left:50%;top:12px;transform:translateX(-50%);background:#b91c1c;color:#fff;padding:8px 14px;border-radius:8px;font:14px system-ui,sans-serif;';
  document.documentElement.append(note);
}
