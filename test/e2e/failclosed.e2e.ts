// Issue 4, "Fail closed": with encryption on, nothing is sent when something is missing or fails,
// the draft stays in the secure composer, and the user is told what to do.
import { afterAll, beforeAll, describe, expect, onTestFinished, test } from 'vitest';
import type { KeysState } from '../../src/protocol';
import { browserName, poll, relay, twoUsers, user, type Tab, type User } from './harness';
import { ask, openOptions, setLocked } from './keys/options';
import { composer, composerError, draft, encryptChat, expectNoLeak, markSend, messageIn, PASS, seesDecrypted, sendSecure, shownFor, slotOf, unbindAll, wireIdOf, withKeys } from './mantle';

describe(`${browserName} › fail closed`, () => {
  let alice: User;
  let bob: User;
  const storedCount = () => relay().stored().length;

  /** Types into the secure composer and presses Enter, expecting it to refuse. */
  async function refused(u: User, text: string): Promise<string> {
    const before = storedCount();
    markSend();
    const frame = await composer(u);
    await clearDraft(u);
    await frame.type(text, 'textarea');
    await frame.press('Enter');
    const error = await composerError(u);
    await new Promise((r) => setTimeout(r, 1500));
    expect(storedCount(), 'nothing reached the platform').toBe(before);
    expect(await draft(u), 'the draft is kept').toBe(text);
    expectNoLeak(text);
    await clearDraft(u);
    return error;
  }

  /**
   * Unlocks, with auto-lock at one minute (the shortest the keyring accepts; the options page
   * offers five and up); both are put back after the test. The options page stays open.
   */
  async function autoLockInOneMinute(u: User): Promise<Tab> {
    const options = await openOptions(u);
    const { settings } = await ask<KeysState>(options, 'keys.state');
    await ask(options, 'keys.unlock', { passphrase: PASS });
    await ask(options, 'keys.settings', { ...settings, autoLockMinutes: 1 });
    onTestFinished(async () => {
      await ask(options, 'keys.settings', settings);
      await ask(options, 'keys.unlock', { passphrase: PASS });
      await options.close();
    });
    return options;
  }

  async function clearDraft(u: User): Promise<void> {
    await (await composer(u)).evaluate(() => {
      const area = document.querySelector('textarea')!;
      area.value = '';
      area.dispatchEvent(new InputEvent('input', { bubbles: true }));
    });
  }

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await withKeys([alice, bob]);
  });
  afterAll(() => unbindAll([alice, bob]));

  test('a locked key: told to unlock, draft kept; after unlocking in the composer it sends', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    await setLocked(alice, true);
    const error = await refused(alice, 'locked draft stays here');
    expect(error).toMatch(/unlock/i);
    const frame = await composer(alice);
    await frame.type(PASS, 'form.unlock input[type="password"]');
    await frame.press('Enter');
    await frame.waitFor('form.unlock', { visible: false, timeout: 1 }).catch(() => undefined);
    await poll('the unlock form to go away', 15_000, () => frame.evaluate(() => !document.querySelector('form.unlock') || undefined));
    const parts = await sendSecure(alice, 'sent after unlocking');
    await seesDecrypted(bob, parts[0]!, 'sent after unlocking');
  });

  test('a chat opened while locked: each bubble says so; unlocking in one opens them all at full width; locking hides them again', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    await setLocked(bob, true);
    // Whatever happens here, the next scenarios expect Bob's key unlocked.
    onTestFinished(() => setLocked(bob, false));
    const long = `long enough to fill its bubble from one side to the other (${browserName}). `.repeat(4).trim();
    const [longPart] = await sendSecure(alice, long);
    const [shortPart] = await sendSecure(alice, 'and a short one');
    // Each message's article in the thread frame, and its slot (its box) in the page.
    const article = (m: { text: string }) => messageIn(bob, wireIdOf(m));
    const width = (m: { text: string }) => bob.tab.evaluate((s) => document.querySelector(s)?.getBoundingClientRect().width ?? 0, slotOf(wireIdOf(m)));
    const locked = async (m: { text: string }) => {
      const { frame, sel } = await article(m);
      return frame.evaluate((s) => {
        const a = document.querySelector(s);
        return (!!a?.querySelector('form.unlock') && !a.querySelector('[data-mantle-plaintext]')) || undefined;
      }, sel);
    };
    for (const part of [longPart!, shortPart!]) {
      await poll('the bubble to say it is locked', 15_000, () => locked(part)).catch(async (e: Error) => {
        throw new Error(`${e.message}; the bubble shows ${JSON.stringify(await shownFor(bob, wireIdOf(part)))}`);
      });
    }
    await poll('the locked bubble to settle', 5_000, async () => ((await width(longPart!)) > 0 || undefined));
    await new Promise((r) => setTimeout(r, 500));
    const lockedWidth = await width(longPart!);
    // Unlock from the short message's bubble: the long one opens too, without being asked.
    const short = await article(shortPart!);
    await short.frame.type(PASS, `${short.sel} form.unlock input[type="password"]`);
    await short.frame.press('Enter');
    await seesDecrypted(bob, shortPart!, 'and a short one');
    await seesDecrypted(bob, longPart!, long.slice(-40));
    // The long text takes the bubble's width again, not the narrower width of the unlock form.
    const open = await poll('the long bubble to widen', 10_000, async () => {
      const w = await width(longPart!);
      return w > lockedWidth + 20 ? w : undefined;
    }).catch(async () => await width(longPart!));
    expect(open, `the long bubble: ${lockedWidth} px locked, then ${open} px`).toBeGreaterThan(lockedWidth + 20);
    // Locking again takes the plaintext off the screen, not only out of the background's caches.
    await setLocked(bob, true);
    for (const part of [longPart!, shortPart!]) {
      await poll('the bubble to lock again', 15_000, () => locked(part)).catch(async (e: Error) => {
        throw new Error(`${e.message}; the bubble shows ${JSON.stringify(await shownFor(bob, wireIdOf(part)))}`);
      });
    }
  });

  test('auto-lock takes the plaintext off the screen on time, with the background stopped and nothing asking it', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    await autoLockInOneMinute(bob);
    const text = `locked a minute after its last use (${browserName})`;
    const [part] = await sendSecure(alice, text);
    await seesDecrypted(bob, part!, text);
    const shown = Date.now();
    // A stopped background keeps no timers: only the browser can wake it.
    await bob.session.stopBackground();
    const { frame, sel } = await messageIn(bob, wireIdOf(part!));
    await poll('the bubble to lock by itself', 120_000, () => frame.evaluate((s) => {
      const a = document.querySelector(s);
      return (!!a?.querySelector('form.unlock') && !a.querySelector('[data-mantle-plaintext]')) || undefined;
    }, sel)).catch(async (e: Error) => {
      throw new Error(`${e.message}; the bubble shows ${JSON.stringify(await shownFor(bob, wireIdOf(part!)))}`);
    });
    const after = (Date.now() - shown) / 1000;
    console.log(`auto-lock (${browserName}): plaintext off the screen ${after.toFixed(0)} s after it was shown`);
    // A minute idle, then the alarm (it allows for the last activity being recorded up to 10 s late).
    expect(after, 'seconds until the bubble locked').toBeLessThan(100);
  }, 180_000);

  test('a page that keeps re-rendering a bubble does not keep the keys unlocked', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const options = await autoLockInOneMinute(bob);
    onTestFinished(() => bob.tab.evaluate(() => void ((globalThis as unknown as { stopRerender?: boolean }).stopRerender = true)));
    const text = `re-rendered by the page to keep the keys open (${browserName})`;
    const [part] = await sendSecure(alice, text);
    await seesDecrypted(bob, part!, text);
    const shown = Date.now();
    // The last use, 50 s ago, written straight to storage (a request from Mantle's page would be
    // use itself); the background restarts, so it remembers no recent write of its own.
    await bob.session.stopBackground();
    await options.evaluate(async () => {
      const g = globalThis as unknown as { browser?: Api; chrome?: Api };
      type Api = { storage: { session: { set(v: Record<string, unknown>): Promise<void> } } };
      await (g.browser ?? g.chrome)!.storage.session.set({ 'mantle.keyring.activity': Date.now() - 50_000 });
    });
    const start = Date.now();
    const id = wireIdOf(part!);
    // Every second the page renders the bubble again: Mantle reserves a new slot, with a new
    // token, and the thread frame opens the message again.
    await bob.tab.evaluate((sel) => {
      const g = globalThis as unknown as { stopRerender?: boolean };
      g.stopRerender = false;
      const tick = () => {
        if (g.stopRerender) return;
        const text = document.querySelector(sel)?.previousElementSibling;
        text?.replaceWith(text.cloneNode(true));
        setTimeout(tick, 1000);
      };
      tick();
    }, slotOf(id));
    let shows = '';
    // A re-rendered row may be shown again without asking the background (the thread frame still
    // holds its message), so the lock may come from the auto-lock alarm rather than from a request
    // reading the stored date: at the latest as in the auto-lock scenario, 100 s after the real last use.
    await poll('the re-rendered bubble to lock', Math.max(100_000 - (Date.now() - shown), 10_000), async () => {
      const found = await messageIn(bob, id, { timeout: 2_000 }).catch(() => null);
      const seen = await found?.frame.evaluate((s) => {
        const a = document.querySelector<HTMLElement>(s);
        return a && { lock: !!a.querySelector('form.unlock'), plain: !!a.querySelector('[data-mantle-plaintext]'), text: a.innerText };
      }, found.sel).catch(() => null);
      if (seen) shows = seen.text;
      return (seen?.lock && !seen.plain) || undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; the bubble shows ${JSON.stringify(shows)}`);
    });
    console.log(`page re-rendering (${browserName}): locked ${((Date.now() - start) / 1000).toFixed(0)} s after the last use was 50 s old (${((Date.now() - shown) / 1000).toFixed(0)} s after the message was shown)`);
    expect((Date.now() - shown) / 1000, 'seconds from the real last use until the re-rendered bubble locked').toBeLessThan(100);
  }, 180_000);

  test('the editor does not accept the insertion: nothing is sent, the draft is kept', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    // The site's editor ignores scripted input (as a changed or hostile site might).
    await alice.tab.evaluate(() => {
      const w = window as unknown as { blockInput?: boolean };
      w.blockInput = true;
      document.addEventListener('beforeinput', (e) => {
        if (w.blockInput) { e.preventDefault(); e.stopImmediatePropagation(); }
      }, true);
    });
    const error = await refused(alice, 'this must not be sent');
    expect(error).toMatch(/did not send|changed the message|try again/i);
    await alice.tab.evaluate(() => { (window as unknown as { blockInput?: boolean }).blockInput = false; });
  });

  test('keys typed while a message is being sent stay in the secure composer', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const frame = await composer(alice);
    markSend();
    await frame.type('first message', 'textarea');
    await frame.press('Enter');
    await frame.type('keep typing SECRETCONTINUATION');
    await poll('the first message on the relay', 15_000, () => relay().stored().some((m) => m.from === 'alice' && m.at > Date.now() - 15_000) || undefined);
    await new Promise((r) => setTimeout(r, 1500));
    expectNoLeak('keep typing SECRETCONTINUATION');
    expect(await draft(alice)).toContain('SECRETCONTINUATION');
    await clearDraft(alice);
  });

  test('the background was stopped: the next send still works (state lives in storage)', async () => {
    [alice, bob] = await twoUsers('whatsapp');
    await encryptChat(alice, ['Bob Jones']);
    await alice.session.stopBackground();
    const parts = await sendSecure(alice, 'after a background restart');
    await seesDecrypted(bob, parts[0]!, 'after a background restart');
  });

  test('a revoked recipient key: refused with a clear message; a deleted one leaves no recipient', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const bobOptions = await openOptions(bob);
    const bobKey = (await ask<{ keys: { fingerprint: string; own: boolean }[] }>(bobOptions, 'keys.state')).keys.find((k) => k.own)!;
    await ask(bobOptions, 'keys.revoke', { fingerprint: bobKey.fingerprint, passphrase: PASS });
    const revoked = (await ask<{ armored: string }>(bobOptions, 'keys.exportPublic', { fingerprint: bobKey.fingerprint })).armored;
    await bobOptions.close();
    const aliceOptions = await openOptions(alice);
    await ask(aliceOptions, 'keys.importPublic', { input: { text: revoked } });
    expect(await refused(alice, 'to a revoked key')).toMatch(/expired, revoked or missing/i);

    await ask(aliceOptions, 'keys.delete', { fingerprint: bobKey.fingerprint });
    await aliceOptions.close();
    await poll('the composer to show it has no recipient', 10_000, async () =>
      (await (await composer(alice)).evaluate(() => document.body.innerText)).match(/at least one contact/i) || undefined);
    expect(await refused(alice, 'to nobody at all')).toMatch(/at least one contact/i);
    // Bob's revoked key is gone from alice's ring and bob's own key is revoked: start over for later files.
    (globalThis as Record<symbol, unknown>)[Symbol.for('mantle.e2e.keys')] = undefined;
  });
});
