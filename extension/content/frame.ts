/**
 * Creates a secure frame for a one-time token. After the frame loads, the content script posts
 * the token's secret into it (targeted at the extension's origin, so nothing else receives it);
 * the frame needs both to claim. A frame's claim is spent on its first load, so an iframe that
 * the page or the site moves in the DOM reloads refused: the second load calls `onReload`.
 */
import browser from '../lib/browser';
import type { FrameLayout } from '@src/protocol';
import { ask } from '../lib/messaging';

export function createFrame(kind: 'compose' | 'message', grant: { token: string; secret: string }, onReload: () => void): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL(`frames/${kind}.html`)}#${grant.token}`;
  frame.dataset.mantle = kind;
  frame.title = 'Mantle';
  let loads = 0;
  frame.addEventListener('load', () => {
    if (++loads > 1) return onReload();
    postInto(frame, { mantleSecret: grant.secret });
  });
  return frame;
}

/**
 * Gives the keyboard back to a secure frame, only when it is elsewhere: Chromium's iframe.focus()
 * on the frame that already has it passes the focus through the page first, and the composer
 * takes that blur for a page stealing its keys.
 */
export function refocus(frame: HTMLIFrameElement | null | undefined): void {
  if (!frame || (document.hasFocus() && document.activeElement === frame)) return;
  frame.focus();
}

/** Posts into one of Mantle's frames, so that only its extension-origin document receives it. */
export function postInto(frame: HTMLIFrameElement, data: unknown): void {
  // Chromium serves the frame from a dynamic host (use_dynamic_url) but its document may carry
  // the extension's own origin; both are ours, and nothing else can receive what is posted.
  const src = new URL(frame.src);
  const origins = new Set([src.origin]);
  if (src.protocol === 'chrome-extension:') origins.add(`chrome-extension://${browser.runtime.id}`);
  for (const origin of origins) frame.contentWindow?.postMessage(data, origin);
}

/** A message frame's size request: its content's height, and its width when narrower (+2 px of slack for rounding). */
export function resizeFrame(frame: HTMLIFrameElement, layout: FrameLayout): void {
  if (layout.action !== 'size') return;
  frame.style.height = `${Math.ceil(layout.height)}px`;
  if (layout.widen) frame.style.width = frame.dataset.mantleWidth ?? '100%';
  else if (layout.width) frame.style.width = `${Math.ceil(layout.width) + 2}px`;
}

const gone: string[] = [];
let pending: ReturnType<typeof setTimeout> | undefined;

/**
 * Forgets the frames that left the page, and tells the background: a claimed frame's record keeps
 * its message's ciphertext in storage.session, which is small (10 MB in Chromium), and a long chat
 * scrolled through, or a site re-rendering its rows, would fill it. Batched: scrolling drops rows
 * by the dozen.
 */
export function dropDisconnected(frames: Map<string, HTMLElement>): void {
  for (const [token, frame] of frames) {
    if (frame.isConnected) continue;
    frames.delete(token);
    gone.push(token);
  }
  report();
}

/** Tokens no longer shown anywhere (the thread frame they went to has gone): their records can go. */
export function releaseTokens(tokens: string[]): void {
  gone.push(...tokens);
  report();
}

function report(): void {
  if (!gone.length || pending) return;
  pending = setTimeout(() => {
    pending = undefined;
    const tokens = gone.splice(0, 500);
    // A stopping worker may miss them: they go back for the next batch (the tab's close clears all).
    ask('content.framesGone', { tokens }).catch(() => gone.length < 2000 && gone.push(...tokens));
    report();
  }, 1000);
}
