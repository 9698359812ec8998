// Issue 4, in-band key exchange: two fresh profiles get from nothing to a first encrypted
// message using only the chat itself.
import { afterAll, describe, expect, test } from 'vitest';
import { browserName, poll, relay, twoUsers, type User } from './harness';
import { msg, onboard, openOptions, resetProfile } from './keys/options';
import { composer, expectNoLeak, messageIn, PASS, seesDecrypted, sendSecure, signatureOf, unbindAll } from './mantle';

const NAMES = { alice: 'Alice Smith', bob: 'Bob Jones' } as const;

/** Clicks "Share my key" (setup panel or composer menu) and returns the posted key's wire text. */
async function shareKey(u: User): Promise<string> {
  const before = relay().stored().length;
  const frame = await composer(u);
  await frame.evaluate((label) => {
    const badge = document.querySelector<HTMLButtonElement>('button.badge');
    if (badge) badge.click();
    else document.querySelector<HTMLButtonElement>('.menu-button')!.click();
    return label;
  }, '');
  await poll('the share button', 10_000, () =>
    frame.evaluate((label) => {
      const b = [...document.querySelectorAll<HTMLButtonElement>('button')].find((x) => x.innerText.trim() === label);
      b?.click();
      return !!b || undefined;
    }, msg('composeShareKey')),
  );
  const posted = await poll(`${u.name}'s key in the chat`, 15_000, () => relay().stored().slice(before).find((m) => m.from === u.name));
  return posted.text;
}

async function importShared(u: User, wire: string): Promise<void> {
  const known = msg('msgKeyKnown');
  const id = /^MNTL1 K ([0-9a-f]{8}) /.exec(wire)?.[1];
  expect(id, 'a key share in Mantle wire format').toBeTruthy();
  // Found again on every try: the thread frame is looked up afresh, and the card is the article
  // that carries the key share's wire id. The user clicks Import with the mouse: over the card,
  // the pointer is the thread frame's.
  const card = () => messageIn(u, id!, { timeout: 5_000 });
  const read = async () => {
    const found = await card().catch(() => null);
    return found ? found.frame.evaluate((s) => document.querySelector<HTMLElement>(s)?.innerText ?? '', found.sel).catch(() => '') : '';
  };
  let shown = '';
  for (let attempt = 0; ; attempt++) {
    const { frame, sel } = await poll('the key card with its Import button', 15_000, async () => {
      const found = await card().catch(() => null);
      const ready = await found?.frame.evaluate((s) => !!document.querySelector(s)?.querySelector('[data-state="key"] button'), found.sel).catch(() => false);
      return ready && found ? found : undefined;
    });
    await frame.click(`${sel} [data-state="key"] button`);
    const imported = await poll('the key to be imported', 10_000, async () => ((shown = await read()).includes(known) || undefined)).catch(() => false);
    if (imported) return;
    // A row re-rendered under the click: once more, then say what the card shows.
    if (attempt >= 1) throw new Error(`the key was not imported; the card shows ${JSON.stringify(shown)}`);
  }
}

describe(`${browserName} › in-band key sharing`, () => {
  let users: User[] = [];
  afterAll(() => unbindAll(users));

  test('from fresh profiles to the first encrypted message, through the chat only', async () => {
    const [alice, bob] = await twoUsers('messenger');
    users = [alice, bob];
    for (const u of users) {
      await resetProfile(u);
      const tab = await openOptions(u);
      await onboard(tab, NAMES[u.name as 'alice' | 'bob'], PASS, `${u.name}@example.org`);
      await tab.close();
      await u.open('messenger');
    }
    (globalThis as Record<symbol, unknown>)[Symbol.for('mantle.e2e.keys')] = undefined;

    const aliceKey = await shareKey(alice);
    await importShared(bob, aliceKey);
    // Importing from the chat binds it: bob's composer now covers the box, addressed to alice.
    await (await composer(bob)).waitFor('textarea');
    const bobKey = await shareKey(bob);
    await importShared(alice, bobKey);
    await (await composer(alice)).waitFor('textarea');

    const secret = 'our first encrypted message, keys swapped in the chat';
    const parts = await sendSecure(alice, secret);
    expectNoLeak(secret);
    await seesDecrypted(bob, parts[0]!, secret);
    // Not compared out of band yet: the badge must not claim more.
    expect(await signatureOf(bob, parts[0]!)).toBe('unverified');
  });
});
