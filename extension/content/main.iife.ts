/**
 * Mantle's content script. It never sees plaintext or keys: it finds the site's chat UI through
 * the site adapter, lays Mantle's extension-origin frames over it, and moves ciphertext only.
 * Built as a self-contained IIFE so nothing it loads is exposed to the page as a resource.
 */
import browser from 'webextension-polyfill';
import { classifySender, isEnvelope, type TabStatus } from '@src/protocol';
import { adapterFor } from '@src/sites/registry';
import { ComposeOverlay } from './overlay';

const adapter = adapterFor(new URL(location.href));

function status(): TabStatus {
  const url = new URL(location.href);
  const conversation = adapter?.conversation(document, url) ?? null;
  return {
    site: adapter?.id ?? null,
    siteName: adapter?.name ?? null,
    recognised: !!adapter && (!conversation || !!adapter.composeBox(document)),
    conversation,
  };
}

if (adapter) {
  const overlay = new ComposeOverlay(adapter);
  overlay.start();

  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    const context = classifySender(
      sender,
      { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('') },
      () => false,
    );
    if (!isEnvelope(message) || context !== 'popup') return undefined;
    if (message.type === 'page.status') return Promise.resolve({ ok: true, value: status() });
    return undefined;
  });
}
