/**
 * Unsent drafts of the secure composer. A draft must outlive the service worker (storage.session
 * does), and also an extension reload or update and a browser restart, which clear
 * storage.session. So each draft is also kept in storage.local, sealed to the user's own public
 * key (which needs no unlocking): nothing readable is written to disk, and a draft found only
 * sealed comes back once the user unlocks.
 */
import browser from 'webextension-polyfill';
import { decryptMessage, sealDraft } from '@src/crypto';
import { ownKeyOf } from '@src/keyring';
import type { SiteId } from '@src/sites/types';
import { keyring } from './keys';
import { local, session } from './store';

export interface Draft { text: string; sealed: boolean; unreadable?: boolean }

const plainKey = (site: SiteId, id: string) => `draft:${site}:${id}`;
const sealedKey = (site: SiteId, id: string) => `draft.sealed:${site}:${id}`;

// Per chat, the latest text waiting to be sealed: typing fast must not queue one seal per key.
const latest = new Map<string, string>();
const sealing = new Map<string, Promise<void>>();

export async function loadDraft(site: SiteId, id: string): Promise<Draft> {
  const plain = await session.get<string>(plainKey(site, id));
  if (plain !== undefined) return { text: plain, sealed: false };
  const armored = await local.get<string>(sealedKey(site, id));
  if (typeof armored !== 'string') return { text: '', sealed: false };
  const kr = await keyring();
  const opened = await decryptMessage({ data: armored, decryptionKeys: await kr.decryptionCandidates(), verificationKeys: [] });
  if (opened.ok) {
    await session.set(plainKey(site, id), opened.text);
    return { text: opened.text, sealed: false };
  }
  // Locked (after a restart or reload): say a draft is kept. Sealed to a key no longer here: say
  // so, and keep it (importing that key again opens it) until the user types a new one.
  if ((await kr.unlocked()).length === 0 || opened.error === 'locked') return { text: '', sealed: true };
  return { text: '', sealed: false, unreadable: true };
}

/**
 * Runs a change of the user's own keys (delete, a new default, restore) without losing drafts:
 * each kept draft that can be read now (this session's copy, or opened with an unlocked key) is
 * sealed again to the own key after the change, which may be another key.
 */
export async function keepingDrafts<T>(change: () => Promise<T>): Promise<T> {
  const readable: [SiteId, string, string][] = [];
  for (const key of Object.keys(await browser.storage.local.get(null))) {
    const chat = /^draft\.sealed:([^:]+):(.*)$/s.exec(key);
    if (!chat) continue;
    const [, site, id] = chat as unknown as [string, SiteId, string];
    const { text } = await loadDraft(site, id).catch(() => ({ text: '' }));
    if (text) readable.push([site, id, text]);
  }
  const result = await change();
  for (const [site, id, text] of readable) await saveDraft(site, id, text).catch(() => undefined);
  return result;
}

export async function saveDraft(site: SiteId, id: string, text: string): Promise<void> {
  const chat = plainKey(site, id);
  await (text ? session.set(chat, text) : session.remove(chat));
  latest.set(chat, text);
  if (!sealing.has(chat)) {
    const run = seal(site, id).finally(() => sealing.delete(chat));
    sealing.set(chat, run);
  }
  return sealing.get(chat);
}

async function seal(site: SiteId, id: string): Promise<void> {
  const chat = plainKey(site, id);
  while (latest.has(chat)) {
    const text = latest.get(chat)!;
    latest.delete(chat);
    if (!text) {
      await local.remove(sealedKey(site, id));
      continue;
    }
    const kr = await keyring();
    const own = ownKeyOf(await kr.list());
    if (!own) continue; // no key: nothing can be sent either, and session still holds the draft
    const [key] = await kr.encryptionKeys([own.fingerprint]);
    await local.set(sealedKey(site, id), await sealDraft(text, key!));
  }
}
