/**
 * Mantle's content script. It never sees plaintext or keys: it finds the site's chat UI through
 * the site adapter, lays Mantle's extension-origin frames over it, and moves ciphertext only.
 * Built as a self-contained IIFE so nothing it loads is exposed to the page as a resource.
 */
import browser from '../lib/browser';
import type { Runtime } from 'webextension-polyfill';
import { classifySender, contentAllowedSenders, isEnvelope, type ContentApi, type TabStatus } from '@src/protocol';
import { adapterFor } from '@src/sites/registry';
import type { SiteAdapter } from '@src/sites/types';
import { fail, ok } from '../lib/messaging';
import { watchLifecycle } from './lifecycle';
import { ThreadRenderer } from './thread';
import { ComposeOverlay } from './overlay';
import { SendError, sendParts } from './sender';

function status(adapter: SiteAdapter): TabStatus {
  const conversation = adapter.conversation(document, new URL(location.href));
  return {
    site: adapter.id,
    siteName: adapter.name,
    recognised: !conversation || !!adapter.composeBox(document),
    conversation,
  };
}

function run(adapter: SiteAdapter): void {
  const overlay = new ComposeOverlay(adapter);
  const renderer = new ThreadRenderer(adapter);
  watchLifecycle();
  overlay.start();
  renderer.start();

  const handlers: { [K in keyof ContentApi]: (p: ContentApi[K]['req']) => Promise<ContentApi[K]['res']> } = {
    'page.status': async () => status(adapter),
    'page.sendParts': async ({ parts }) => {
      try {
        return { sent: await sendParts(adapter, parts) };
      } finally {
        overlay.focusFrame();
      }
    },
    'page.frameLayout': async ({ token, layout }) => {
      if (!overlay.layout(token, layout)) throw new Error('no-frame');
      return { ok: true };
    },
    'page.threadLayout': async ({ sizes, missing }) => {
      if (!renderer.layout(sizes, missing)) throw new Error('no-frame');
      return { ok: true };
    },
  };

  // Answered through sendResponse, not a returned promise: this is the browser's own API (lib/browser.ts).
  const onMessage = browser.runtime.onMessage as unknown as { addListener(fn: (m: unknown, s: Runtime.MessageSender, reply: (r: unknown) => void) => boolean): void };
  onMessage.addListener((message, sender, reply) => {
    if (!isEnvelope(message)) return false;
    const type = message.type as keyof ContentApi;
    const context = classifySender(sender, { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('') }, () => false);
    if (!context || !contentAllowedSenders[type]?.includes(context)) return false;
    const handler = handlers[type] as (p: unknown) => Promise<unknown>;
    handler(message.payload).then(ok, (e: unknown) => fail(e instanceof SendError ? e.code : e instanceof Error ? e.message : 'internal')).then(reply);
    return true;
  });
}

const adapter = adapterFor(new URL(location.href));
if (adapter) run(adapter);
