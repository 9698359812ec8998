/**
 * Creates a secure frame for a one-time token. A frame's token is spent on its first load, so an
 * iframe that the page (or the site's own re-rendering) moves in the DOM reloads into the
 * refusal state. The content script notices the second load and calls `onReload` to replace it.
 */
import browser from 'webextension-polyfill';

export function createFrame(kind: 'compose' | 'message', token: string, onReload: () => void): HTMLIFrameElement {
  const frame = document.createElement('iframe');
  frame.src = `${browser.runtime.getURL(`frames/${kind}.html`)}#${token}`;
  frame.dataset.mantle = kind;
  frame.title = 'Mantle';
  let loads = 0;
  frame.addEventListener('load', () => {
    if (++loads > 1) onReload();
  });
  return frame;
}
