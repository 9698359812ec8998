/** Messages from the background to tabs: news for every Mantle context, and requests to one content script. */
import browser from 'webextension-polyfill';
import type { Broadcast, ContentApi, Envelope, Request } from '@src/protocol';
import { HandlerError } from './router';

/**
 * Tells Mantle's frames and pages. Chromium delivers runtime messages to extension frames inside
 * pages; Firefox treats those frames like content scripts, which only tabs.sendMessage reaches.
 * Content scripts ignore it (it is not a request).
 */
export function broadcast(news: Broadcast['broadcast']): void {
  const message: Broadcast = { mantle: 1, broadcast: news };
  browser.runtime.sendMessage(message).catch(() => undefined);
  void browser.tabs.query({}).then((tabs) => {
    for (const tab of tabs) if (tab.id !== undefined) browser.tabs.sendMessage(tab.id, message).catch(() => undefined);
  }, () => undefined);
}

export function tellTab<K extends keyof ContentApi>(tabId: number, type: K, payload: Request<ContentApi, K>): Promise<ContentApi[K]['res']> {
  const env: Envelope<ContentApi, K> = { mantle: 1, type, payload };
  return browser.tabs.sendMessage(tabId, env, { frameId: 0 }).then((reply) => {
    const r = reply as { ok: boolean; value?: ContentApi[K]['res']; code?: string } | undefined;
    if (!r?.ok) throw new HandlerError(r?.code ?? 'page-gone', 'The chat page did not answer. Reload the tab and try again.');
    return r.value as ContentApi[K]['res'];
  });
}
