/**
 * Reading every Mantle message of a chat at once (each an article in the chat's thread frame),
 * for the robustness scenarios: which state each shows, and whether anything in it or in the
 * page ran as HTML.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { poll, relay, type StoredMessage, type User } from '../harness';
import { ask, openOptions } from '../keys/options';
import { REPO } from '../env';
import { messageIn, slotOf } from '../mantle';

export interface FrameState { id: string; state: string; text: string; markup: string[]; html?: string }

/** Whatever a clear state looks like: a decrypted text with its signature line, or a named state. */
const CLEAR = '[data-signature], [data-state], .unlock';

/**
 * The state message `id` shows in the thread frame, once it shows a clear one: its article's
 * state, text and any markup inside its plaintext (the frame's own globals are checked too).
 */
export async function frameState(u: User, id: string, timeout = 20_000): Promise<FrameState> {
  let last = 'no thread frame';
  return poll(`${u.name}'s article for ${id} to show a clear state`, timeout, async () => {
    const found = await messageIn(u, id, { timeout: 3_000 }).catch(() => null);
    const got = await found?.frame.evaluate(({ sel, clear }) => {
      const article = document.querySelector<HTMLElement>(sel);
      if (!article) return 'no article';
      const el = article.querySelector(clear);
      if (!el) return (article.textContent ?? '').slice(0, 300);
      const state = el.getAttribute('data-state') ?? (el.hasAttribute('data-signature') ? `text:${el.getAttribute('data-signature')}${el.hasAttribute('data-sent-by') ? ':other-contact' : ''}` : 'locked');
      // Elements inside the plaintext: only Mantle's own control marks may be there.
      const markup = [...article.querySelectorAll('[data-mantle-plaintext] *')].filter((e) => !e.classList.contains('control')).map((e) => e.tagName);
      if ((globalThis as { __pwned?: unknown }).__pwned !== undefined) markup.push('__pwned');
      return { state, text: article.innerText, markup, html: article.innerHTML.slice(0, 600) };
    }, { sel: found.sel, clear: CLEAR }).catch((e: Error) => e.message);
    if (typeof got === 'string') last = got;
    return got && typeof got !== 'string' ? { id, ...got } : undefined;
  }).catch(async (e: Error) => {
    const wire = await u.tab.evaluate((sel) => {
      const slot = document.querySelector(sel);
      return slot ? (slot.previousElementSibling as HTMLElement | null)?.textContent?.slice(0, 120) ?? '?' : 'gone (no slot)';
    }, slotOf(id)).catch(() => '?');
    throw new Error(`${e.message}; it showed ${JSON.stringify(last)}; its bubble: ${JSON.stringify(wire)}`);
  });
}

/** Nothing posted in the chat ran as script in the page itself. */
export async function pagePwned(u: User): Promise<unknown> {
  return u.tab.evaluate(() => (globalThis as { __pwned?: unknown }).__pwned ?? null);
}

export const wireId = (m: StoredMessage | string) => /^MNTL1 [MK] ([0-9a-f]{8}) /.exec(typeof m === 'string' ? m : m.text)?.[1];

/** A key made for the corpus (test/fixtures/bad/keys): a contact who is not in the chat. */
export async function badKey(name: 'carol' | 'mallory'): Promise<openpgp.PrivateKey> {
  return openpgp.readPrivateKey({ armoredKey: readFileSync(join(REPO, 'test/fixtures/bad/keys', `${name}.sec.asc`), 'utf8') });
}

/** The user's own public key, as the options page exports it. */
export async function publicKeyOf(u: User, fingerprint: string): Promise<openpgp.PublicKey> {
  const tab = await openOptions(u);
  const { armored } = await ask<{ armored: string }>(tab, 'keys.exportPublic', { fingerprint });
  await tab.close();
  return openpgp.readKey({ armoredKey: armored });
}

/** Posts these parts into the user's open chat as `from` (what a hostile platform could deliver). */
export function injectParts(u: User, from: 'alice' | 'bob', parts: string[]): StoredMessage[] {
  const { site, thread } = u.current;
  return parts.map((p) => relay().inject(site, thread, from, p));
}
