// Issue 7: Mantle changes the height of the rows it decrypts (a bubble's ciphertext gives way to its
// message). The reader's place in the chat must not move for it: what is in view stays put while
// scrolling up, and a chat read at its end stays at its end, so that a new message is followed.
// And a long chat read through leaves nothing of the rows the site let go.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Page } from 'playwright-core';
import * as openpgp from 'openpgp';
import { browserName, MESSAGE_LIST, poll, twoUsers, user, type Site, type StoredMessage, type User } from './harness';
import { encryptMessage } from '../../src/crypto';
import { encodeWire } from '../../src/wire';
import { ask, openOptions } from './keys/options';
import { PASS, seesDecrypted, unbindAll, withKeys } from './mantle';
import { injectParts, publicKeyOf } from './robustness/bubbles';

/** How far the list's scroller is from the end of the chat (column-reverse too); runs in the page. */
const distanceToEnd = (list: string): number => {
  const scrolls = (e: HTMLElement) => /auto|scroll/.test(getComputedStyle(e).overflowY);
  const root = document.querySelector<HTMLElement>(list)!;
  let sc = scrolls(root) ? root : [...root.querySelectorAll<HTMLElement>('*')].find(scrolls) ?? null;
  for (let up = root.parentElement; !sc && up; up = up.parentElement) if (scrolls(up)) sc = up;
  const reverse = getComputedStyle(sc!).flexDirection === 'column-reverse';
  return Math.round(reverse ? -sc!.scrollTop : sc!.scrollHeight - sc!.clientHeight - sc!.scrollTop);
};

describe(`${browserName} › the reader's place in a chat`, () => {
  let alice: User;
  let bob: User;
  let fprs: Map<string, string>;
  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    fprs = await withKeys([alice, bob]);
  });
  afterAll(() => unbindAll([alice, bob]));

  /** Messages from alice, as her phone would have sent them: made in Node with her keys. */
  async function fromAlice(texts: string[]): Promise<string[]> {
    const tab = await openOptions(alice);
    const { armored } = await ask<{ armored: string }>(tab, 'keys.exportPrivate', { fingerprint: fprs.get('alice') });
    await tab.close();
    const priv = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: armored }), passphrase: PASS });
    const keys = [priv.toPublic(), await publicKeyOf(bob, fprs.get('bob')!)];
    const wire: string[] = [];
    for (const text of texts) wire.push(...encodeWire('msg', await encryptMessage({ text, encryptionKeys: keys, signingKey: priv }), 18_000));
    return wire;
  }
  const oldTexts = (n: number) => Array.from({ length: n }, (_, i) => `old message ${i + 1} of ${n} (${browserName})${i % 3 ? '' : ': a longer one, to wrap over a second line in the bubble'}`);

  /** Bob's chat with alice, holding `texts` from her, open and decrypted at its end. */
  async function longChat(site: Site, texts: string[]): Promise<StoredMessage[]> {
    [alice, bob] = await twoUsers(site);
    const stored = injectParts(bob, 'alice', await fromAlice(texts));
    await bob.open(site, bob.current.thread);
    await seesDecrypted(bob, stored.at(-1)!, texts.at(-1)!);
    return stored;
  }

  /**
   * Until every row the site mounted shows its message at its size: each slot has its token, and
   * the slots' heights held over two looks (a row mounted again starts at its message's last size).
   */
  async function rowsSettled(): Promise<void> {
    let before = '';
    await poll('the rows around the view to show their messages', 15_000, async () => {
      const now = await bob.tab.evaluate(() => {
        const slots = [...document.querySelectorAll<HTMLElement>('div[data-mantle="slot"]')];
        return slots.every((s) => s.dataset.mantleToken) ? slots.map((s) => `${s.dataset.mantleId}:${s.getBoundingClientRect().height}`).join() : '';
      });
      const same = now !== '' && now === before;
      before = now;
      return same || undefined;
    });
  }

  test.each(['messenger', 'instagram', 'whatsapp'] as Site[])('%s: a chat read at its end stays there while Mantle decrypts it, and follows each new message', async (site) => {
    await longChat(site, oldTexts(30));
    const toEnd = () => bob.tab.evaluate(distanceToEnd, MESSAGE_LIST[site]);
    await rowsSettled();
    await new Promise((r) => setTimeout(r, 500));
    expect(await toEnd(), 'pixels between the view and the end of the chat once decrypted').toBeLessThan(5);

    const news = ['a new message, arriving while the chat is open', 'and another, a moment later: the chat follows it too'];
    const wire = await fromAlice(news);
    for (const [i, text] of news.entries()) {
      const [stored] = injectParts(bob, 'alice', [wire[i]!]);
      await seesDecrypted(bob, stored!, text);
      await new Promise((r) => setTimeout(r, 500));
      expect(await toEnd(), `pixels between the view and the end of the chat after new message ${i + 1}`).toBeLessThan(5);
    }
  }, 180_000);

  test.each(['messenger', 'instagram', 'whatsapp'] as Site[])('%s: scrolling up a long chat, what is in view stays put while the rows above are decrypted', async (site) => {
    const texts = oldTexts(40);
    const stored = await longChat(site, texts);
    expect(stored).toHaveLength(40);
    await rowsSettled();

    // A wheel's worth up at a time. The site mounts the rows a screen above the view, Mantle
    // replaces their ciphertext (a few hundred pixels) with the message: the message the reader
    // was looking at must move exactly as far as the scroll, no further.
    const moved: string[] = [];
    for (let step = 0; step < 6; step++) {
      const at = await bob.tab.evaluate((list) => {
        const scrolls = (e: HTMLElement) => /auto|scroll/.test(getComputedStyle(e).overflowY);
        const root = document.querySelector<HTMLElement>(list)!;
        let sc = scrolls(root) ? root : [...root.querySelectorAll<HTMLElement>('*')].find(scrolls) ?? null;
        for (let up = root.parentElement; !sc && up; up = up.parentElement) if (scrolls(up)) sc = up;
        const view = sc!.getBoundingClientRect();
        const slot = [...document.querySelectorAll<HTMLElement>('div[data-mantle="slot"]')].find((s) => {
          const r = s.getBoundingClientRect();
          return r.height > 0 && r.top >= view.top && r.bottom <= view.bottom;
        });
        if (!slot) return null;
        const top = slot.getBoundingClientRect().top;
        const from = sc!.scrollTop;
        sc!.scrollTop = from - 300;
        return { id: slot.dataset.mantleId!, want: top + (from - sc!.scrollTop), scrolled: from - sc!.scrollTop };
      }, MESSAGE_LIST[site]);
      expect(at, 'a message in view').not.toBeNull();
      if (!at!.scrolled) break;
      await rowsSettled();
      await new Promise((r) => setTimeout(r, 300));
      const now = await bob.tab.evaluate((id) => document.querySelector<HTMLElement>(`div[data-mantle="slot"][data-mantle-id="${id}"]`)?.getBoundingClientRect().top ?? null, at!.id);
      if (now === null || Math.abs(now - at!.want) > 2) moved.push(`step ${step + 1}: ${at!.id} at ${now === null ? 'gone' : Math.round(now)}, not ${Math.round(at!.want)}`);
    }
    expect(moved).toEqual([]);
  }, 180_000);

  // Forcing a garbage collection needs Chromium's DevTools protocol; Firefox's WebDriver BiDi has
  // no such command, so there this test is reported as skipped, by name.
  test.skipIf(browserName !== 'chromium')('messenger: rows the site unmounts are not kept alive by Mantle (Chromium only: it forces a garbage collection)', async () => {
    await longChat('messenger', oldTexts(60));
    await rowsSettled();
    // Weak references, from the page's own world, to the slots Mantle put in the rows now mounted.
    // The expando keeps each node's wrapper for as long as the node itself lives.
    const probed = await bob.tab.evaluate(() => {
      const slots = [...document.querySelectorAll<HTMLElement>('div[data-mantle="slot"]')];
      (globalThis as Record<string, unknown>).mantleProbe = slots.map((s) => ((s as unknown as Record<string, number>).probe = 1, new WeakRef(s)));
      return slots.length;
    });
    expect(probed, 'rows shown decrypted at the end of the chat').toBeGreaterThan(5);
    const unmounted = () => bob.tab.evaluate(() => ((globalThis as Record<string, unknown>).mantleProbe as WeakRef<HTMLElement>[]).filter((r) => !r.deref()?.isConnected).length);
    await poll('the site to unmount the rows first shown, scrolled far above them', 60_000, async () => {
      await bob.tab.evaluate((list) => {
        const scrolls = (e: HTMLElement) => /auto|scroll/.test(getComputedStyle(e).overflowY);
        const root = document.querySelector<HTMLElement>(list)!;
        const sc = scrolls(root) ? root : [...root.querySelectorAll<HTMLElement>('*')].find(scrolls)!;
        sc.scrollTop = Math.max(0, sc.scrollTop - sc.clientHeight);
      }, MESSAGE_LIST.messenger);
      await new Promise((r) => setTimeout(r, 300));
      return (await unmounted()) === probed || undefined;
    });
    await rowsSettled();
    const page = (bob.tab as unknown as { page: Page }).page;
    const cdp = await page.context().newCDPSession(page);
    for (let i = 0; i < 2; i++) await cdp.send('HeapProfiler.collectGarbage');
    await cdp.detach();
    const alive = await bob.tab.evaluate(() => ((globalThis as Record<string, unknown>).mantleProbe as WeakRef<HTMLElement>[]).filter((r) => r.deref()).length);
    expect(alive, `of the ${probed} unmounted rows' slots, still alive after a collection`).toBe(0);
  }, 180_000);
});
