/**
 * Mantle on sites without an adapter (issue 6, "any other site"). Nothing is granted up front:
 * - on request (popup button, keyboard shortcut, context menu) the user's gesture grants
 *   activeTab for that tab, and the generic content script is injected for that one page;
 * - on sites the user enabled (an optional host permission they granted from the popup), the
 *   script is registered for those origins and runs on every load.
 * The script writes only ciphertext into fields; encryption and decryption stay here and in the
 * secure frames, through the same compose and message frames as on the chat sites.
 */
import browser from 'webextension-polyfill';
import type { AnysiteAction } from '@src/protocol';
import { adapterFor } from '@src/sites/registry';
import injectScript from '../content/generic/inject.ts?script&iife';
import autoScript from '../content/generic/auto.ts?script&iife';
import { t } from '../lib/i18n';
import { handle, HandlerError } from './router';

const SCRIPT_ID = 'mantle-anysite';
const MENU: Record<string, AnysiteAction> = { 'mantle-compose': 'compose', 'mantle-decrypt': 'decrypt' };
const COMMANDS: Record<string, AnysiteAction> = { 'compose-field': 'compose', 'decrypt-page': 'decrypt' };

/** Hosts of the chat sites (the manifest's own host access): never treated as "enabled" sites. */
const CHAT_HOSTS = new Set((browser.runtime.getManifest().host_permissions ?? []).map((p) => p.split('/')[2]));

async function run(tabId: number, action: AnysiteAction): Promise<void> {
  const tab = await browser.tabs.get(tabId);
  // The chat sites have their own script and composer; two would fight over the page.
  if (tab.url && adapterFor(new URL(tab.url))) throw new HandlerError('anysite-chat-site');
  try {
    await browser.scripting.executeScript({ target: { tabId, frameIds: [0] }, files: [injectScript] });
  } catch {
    throw new HandlerError('anysite-no-access', t('anysiteNoAccess'));
  }
  // The script's entry lives on its isolated world's global (see content/generic/app.ts).
  const [result] = await browser.scripting.executeScript({
    target: { tabId, frameIds: [0] },
    func: (act: AnysiteAction) => {
      const entry = (globalThis as Record<symbol, ((a: AnysiteAction) => Promise<string | null>) | undefined>)[Symbol.for('mantle.generic.run')];
      return entry ? entry(act) : 'no-script';
    },
    args: [action],
  });
  const code = result?.result as string | null | undefined;
  if (code) throw new HandlerError(code);
}

handle('anysite.run', async ({ tabId, action }) => {
  if (!Number.isInteger(tabId) || (action !== 'compose' && action !== 'decrypt')) throw new HandlerError('bad-request');
  await run(tabId, action);
  return { ok: true as const };
});

/** The origins the user enabled: granted optional host permissions for https sites without an adapter. */
async function enabledOrigins(): Promise<string[]> {
  const { origins = [] } = await browser.permissions.getAll();
  return origins.filter((o) => {
    const m = /^https:\/\/([^*/]+)\/\*$/.exec(o);
    return !!m && !CHAT_HOSTS.has(m[1]!) && !adapterFor(new URL(o.slice(0, -1)));
  });
}

let syncing: Promise<void> = Promise.resolve();

/** Keeps the registered script's matches equal to the enabled origins. */
function sync(): Promise<void> {
  syncing = syncing.then(async () => {
    const matches = await enabledOrigins();
    const existing = await browser.scripting.getRegisteredContentScripts({ ids: [SCRIPT_ID] });
    if (existing.length) await browser.scripting.unregisterContentScripts({ ids: [SCRIPT_ID] });
    if (matches.length) {
      await browser.scripting.registerContentScripts([{ id: SCRIPT_ID, js: [autoScript], matches, runAt: 'document_idle', allFrames: false }]);
    }
  }).catch((e: unknown) => console.error('Mantle: could not register the script for enabled sites', e));
  return syncing;
}

function menus(): void {
  void browser.contextMenus.removeAll().then(() => {
    browser.contextMenus.create({ id: 'mantle-compose', title: t('anysiteMenuCompose'), contexts: ['editable'] });
    browser.contextMenus.create({ id: 'mantle-decrypt', title: t('anysiteMenuDecrypt'), contexts: ['page', 'selection'] });
  });
}

const quietly = (tabId: number | undefined, action: AnysiteAction | undefined) => {
  if (tabId === undefined || tabId < 0 || !action) return;
  run(tabId, action).catch((e: unknown) => console.warn('Mantle:', e instanceof Error ? e.message : e));
};

browser.runtime.onInstalled.addListener(() => {
  menus();
  void sync();
});
browser.runtime.onStartup.addListener(() => void sync());
browser.permissions.onAdded.addListener(() => void sync());
browser.permissions.onRemoved.addListener(() => void sync());
browser.contextMenus.onClicked.addListener((info, tab) => quietly(tab?.id, MENU[String(info.menuItemId)]));
browser.commands.onCommand.addListener((command, tab) => {
  const action = COMMANDS[command];
  if (tab?.id !== undefined) return quietly(tab.id, action);
  void browser.tabs.query({ active: true, currentWindow: true }).then(([active]) => quietly(active?.id, action));
});
