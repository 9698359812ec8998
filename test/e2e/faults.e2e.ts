// Issue 8, faults of the browser itself: the extension reloaded (or updated) under an open chat,
// the browser restarted, and storage full. For each: no plaintext sent, no draft lost, the user told.
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import { browserName, poll, twoUsers, user, type User } from './harness';
import { ask, msg, openOptions, state } from './keys/options';
import type { Tab } from './tab';
import { composer, encryptChat, expectNoLeak, markSend, paste, PASS, seesDecrypted, sendSecure, unbindAll, withKeys } from './mantle';

/** Just what these scenarios use of the extension API, in its pages. */
type Area = { QUOTA_BYTES?: number; get(k: null): Promise<Record<string, unknown>>; set(v: object): Promise<void>; remove(k: string[]): Promise<void> };
type Api = { storage: { local: Area; session: Area } };
type Ext = { runtime: { reload(): void }; storage: { local: { get(k: null | string): Promise<Record<string, unknown>> } } };

/** Storage keys of the user's extension that start with `prefix` (read from its options page). */
async function storedKeys(u: User, prefix: string): Promise<string[]> {
  const tab = await openOptions(u);
  try {
    return await tab.evaluate(async (p) => {
      const g = globalThis as unknown as { browser?: Ext; chrome?: Ext };
      return Object.keys(await (g.browser ?? g.chrome)!.storage.local.get(null)).filter((k) => k.startsWith(p));
    }, prefix);
  } finally {
    await tab.close();
  }
}

/** One stored value of the extension, as JSON (read from an extension page). */
function storedValue(tab: Tab, key: string): Promise<string> {
  return tab.evaluate(async (k) => {
    const g = globalThis as unknown as { browser?: Ext; chrome?: Ext };
    return JSON.stringify((await (g.browser ?? g.chrome)!.storage.local.get(k))[k] ?? null);
  }, key);
}

/** Types the draft and waits until the background has kept it (sealed, on disk). */
async function typeDraft(u: User, text: string): Promise<void> {
  await paste(await composer(u), text);
  await poll('the draft to be kept on disk', 15_000, async () => (await storedKeys(u, 'draft.sealed:')).length > 0 || undefined);
}

/** Unlocks in the composer and waits for the kept draft to come back into it. */
async function unlockForDraft(u: User, text: string): Promise<void> {
  const frame = await composer(u);
  await poll('the composer to say a draft is kept', 15_000, () => frame.evaluate(() => document.querySelector('[data-mantle-sealed-draft]')?.textContent ?? undefined));
  expect(await frame.evaluate(() => document.querySelector('textarea')!.disabled), 'typing waits for the unlock').toBe(true);
  await frame.type(PASS, 'form.unlock input[type="password"]');
  await frame.press('Enter');
  await poll('the kept draft in the composer', 20_000, () => frame.evaluate((t) => document.querySelector('textarea')!.value === t || undefined, text));
}

describe(`${browserName} › faults: reload, restart, storage`, () => {
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await withKeys([alice, bob]);
  });
  afterAll(() => unbindAll([alice, bob]));

  test('messenger: the extension reloaded under an open chat: the old script stops and says so; the draft comes back', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const text = `a draft across an extension reload (${browserName})`;
    markSend();
    await typeDraft(alice, text);
    const options = await openOptions(alice);
    await options.evaluate(() => {
      const g = globalThis as unknown as { browser?: Ext; chrome?: Ext };
      (g.browser ?? g.chrome)!.runtime.reload();
    }).catch(() => undefined); // the reload closes the options page under the call
    await options.close().catch(() => undefined);
    // Chromium leaves the old content script running, cut off: it must remove its frames and tell
    // the user. Firefox removes the old script itself and injects the new one into the open tab.
    const after = await poll('the old content script to clean up', browserName === 'chromium' ? 20_000 : 3_000, () => alice.tab.evaluate(() => {
      const note = document.querySelector('[data-mantle-orphaned]')?.textContent ?? '';
      const dead = [...document.querySelectorAll('iframe[data-mantle]')].length;
      return note ? { note, dead } : undefined;
    })).catch(() => null);
    if (browserName === 'chromium') {
      expect(after?.note).toMatch(/Reload this tab/);
      expect(after?.dead, 'no Mantle frame stays on the page').toBe(0);
    }
    // Nothing reached the site's editor or the platform.
    expect(await alice.tab.evaluate((sel) => document.querySelector(sel)?.textContent ?? '', alice.composeBox())).toBe('');
    expectNoLeak(text);
    // After reloading the tab the composer is back; the reload locked the key, the draft is kept sealed.
    await alice.open('messenger');
    await unlockForDraft(alice, text);
    const parts = await sendSecure(alice, '');
    await seesDecrypted(bob, parts[0]!, text);
    await poll('the sent draft to be forgotten', 10_000, async () => (await storedKeys(alice, 'draft.sealed:')).length === 0 || undefined);
  }, 120_000);

  test('instagram: the browser restarted: keyring and chat binding intact, the key locked again, the draft kept', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const text = `a draft across a browser restart (${browserName})`;
    markSend();
    await typeDraft(alice, text);
    const options = await openOptions(alice);
    const before = await state(options);
    const bindingsBefore = await storedValue(options, 'bindings');
    expect(before.locked).toBe(false);
    await options.close();

    await alice.restart();
    const again = await openOptions(alice);
    const after = await state(again);
    expect(after.locked, 'the keyring is locked again').toBe(true);
    expect(after.unlocked).toEqual([]);
    expect(after.keys.map((k) => [k.fingerprint, k.own, k.verified])).toEqual(before.keys.map((k) => [k.fingerprint, k.own, k.verified]));
    expect(await storedValue(again, 'bindings'), 'chat bindings intact').toBe(bindingsBefore);
    await again.close();

    // The chat is still encrypted; the draft waits, sealed, for the unlock; then it sends.
    await alice.open('instagram');
    await unlockForDraft(alice, text);
    expectNoLeak(text);
    const parts = await sendSecure(alice, '');
    await seesDecrypted(bob, parts[0]!, text);
  }, 180_000);

  test('instagram: deleting the key a draft was sealed to: the draft moves to the next key; one no key can open is kept, and the composer says so', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const text = `a draft across key changes and restarts (${browserName})`;
    markSend();
    await typeDraft(alice, text);
    let options = await openOptions(alice);
    const before = await state(options);
    const first = before.defaultKey!.fingerprint;
    const { armored } = await ask<{ armored: string }>(options, 'keys.exportPrivate', { fingerprint: first });
    await options.close();
    // Whatever happens, the next scenarios get Alice's keys back as they were.
    onTestFinished(async () => {
      const o = await openOptions(alice);
      if (!(await state(o)).keys.some((k) => k.fingerprint === first)) await ask(o, 'keys.importPrivate', { input: { text: armored }, passphrase: PASS });
      await ask(o, 'keys.setDefault', { fingerprint: first });
      for (const k of (await state(o)).keys) if (k.own && !before.keys.some((b) => b.fingerprint === k.fingerprint)) await ask(o, 'keys.delete', { fingerprint: k.fingerprint });
      await ask(o, 'keys.unlock', { passphrase: PASS });
      await o.close();
    });

    // A second key becomes the default and the first is deleted: the draft is sealed again to the second.
    options = await openOptions(alice);
    const second = await ask<{ fingerprint: string }>(options, 'keys.generate', { name: 'Alice Next', email: 'alice@example.org', passphrase: PASS, expiresInDays: 0 });
    await ask(options, 'keys.setDefault', { fingerprint: second.fingerprint });
    await ask(options, 'keys.delete', { fingerprint: first });
    await options.close();
    await alice.restart();
    await alice.open('instagram');
    await unlockForDraft(alice, text);
    expectNoLeak(text);

    // Now one no key can open: the first key is back, and the second is deleted while locked
    // (nothing can read the draft to seal it again). It is kept, and the composer says why it is empty.
    options = await openOptions(alice);
    await ask(options, 'keys.importPrivate', { input: { text: armored }, passphrase: PASS });
    await options.close();
    await alice.restart();
    options = await openOptions(alice);
    await ask(options, 'keys.setDefault', { fingerprint: first });
    await ask(options, 'keys.delete', { fingerprint: second.fingerprint });
    await options.close();
    await alice.open('instagram');
    const frame = await composer(alice);
    await poll('the composer to say a draft is kept', 15_000, () => frame.evaluate(() => document.querySelector('[data-mantle-sealed-draft]')?.textContent ?? undefined));
    await frame.type(PASS, 'form.unlock input[type="password"]');
    await frame.press('Enter');
    const said = await poll('the composer to say the draft cannot be opened', 15_000, () => frame.evaluate(() => document.querySelector('[data-mantle-unreadable-draft]')?.textContent ?? undefined));
    expect(said).toBe(msg('composeUnreadableDraft'));
    expect(await frame.evaluate(() => document.querySelector('textarea')!.value)).toBe('');
    expect((await storedKeys(alice, 'draft.sealed:instagram:')).length, 'the draft is still kept').toBeGreaterThan(0);
  }, 240_000);

  test('whatsapp: storage full: the user is told the draft is not saved, nothing is sent, and sending still works', async () => {
    [alice, bob] = await twoUsers('whatsapp');
    await encryptChat(alice, ['Bob Jones']);
    const options = await openOptions(alice);
    await ask(options, 'keys.unlock', { passphrase: PASS }); // whatever an earlier scenario left
    // Fill storage.local to its quota (Chromium: 10 MB; Firefox has none for storage.local, so
    // its session area is filled there, which drafts also use).
    const filled = await options.evaluate(async () => {
      const g = globalThis as unknown as { browser?: unknown; chrome?: unknown };
      const api = (g.browser ?? g.chrome) as Api;
      const area = api.storage.local.QUOTA_BYTES ? api.storage.local : api.storage.session;
      let chunk = 4 * 1024 * 1024;
      let n = 0;
      while (chunk >= 8) {
        try {
          await area.set({ [`filler.${n}`]: 'x'.repeat(chunk) });
          n++;
        } catch {
          chunk = Math.floor(chunk / 2);
        }
        if (n > 400) return -1; // no quota here at all
      }
      return n;
    });
    try {
      expect(filled, 'a storage area with a quota was filled').toBeGreaterThan(0);
      const frame = await composer(alice);
      const text = `typed while storage is full (${browserName})`;
      markSend();
      await paste(frame, text);
      const told = await poll('the composer to say the draft is not saved', 15_000, () => frame.evaluate(() => document.querySelector('[data-mantle-unsaved]')?.textContent ?? undefined));
      expect(told).toBe(msg('errStorageFull'));
      expectNoLeak(text);
      expect(await frame.evaluate(() => document.querySelector('textarea')!.value), 'the text stays on screen').toBe(text);
      // Sending needs no storage of its own: the message still goes out, encrypted.
      const parts = await sendSecure(alice, '');
      await seesDecrypted(bob, parts[0]!, text);
    } finally {
      await options.evaluate(async () => {
        const g = globalThis as unknown as { browser?: unknown; chrome?: unknown };
        const api = (g.browser ?? g.chrome) as Api;
        for (const area of [api.storage.local, api.storage.session]) {
          const keys = Object.keys(await area.get(null)).filter((k) => k.startsWith('filler.'));
          if (keys.length) await area.remove(keys);
        }
      });
      await options.close();
    }
  }, 120_000);
});
