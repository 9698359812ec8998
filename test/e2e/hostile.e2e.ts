// Issue 5: the page is the adversary. With a recorder of everything page scripts can observe, no
// plaintext, passphrase or key material shows up; frames the page loads itself refuse to work;
// focus stolen while the user types (or right after clicking in) is noticed and shown.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withHostile, type HostileFlag } from '../fixtures/hostile/flags';
import { leaks, type HostileLog } from '../fixtures/hostile/inspect';
import { browserName, poll, relay, server, twoUsers, user, type Site, type StoredMessage, type Tab, type User } from './harness';
import { ask, openOptions, setLocked } from './keys/options';
import { composer, COMPOSE_FRAME, encryptChat, messageIn, PASS, seesDecrypted, sendSecure, slotOf, THREAD_FRAME, unbindAll, wireIdOf, withKeys } from './mantle';

/** Reopens the user's chat with the replica's hostile page script running before the site's own. */
async function hostile(u: User, site: Site, flags: HostileFlag[]): Promise<void> {
  const srv = await server();
  await u.tab.goto(withHostile(srv.url(site, u.current.thread, u.name), flags));
  await u.tab.waitFor(u.composeBox());
}
async function dump(tab: Tab): Promise<HostileLog> {
  await new Promise((r) => setTimeout(r, 400)); // one more scan after the last step
  return tab.evaluate(() => (window as unknown as { __hostile: { dump(): HostileLog } }).__hostile.dump());
}

/**
 * What only the private export holds, as the page could see it: the bytes after each key
 * packet's public fields (S2K salt, IV, encrypted secret), base64-encoded at each of the three
 * alignments they can have inside a longer base64 text, without the edge characters that depend
 * on their neighbours. Every other byte of the export is public: a shared public key carries
 * the same signatures (CI: a slice of the export's tail, a subkey binding signature, matched the
 * key share whenever the two lengths differed by a multiple of 3, for ~1 key in 300).
 */
async function secretMaterial(armored: string): Promise<string[]> {
  const key = await openpgp.readPrivateKey({ armoredKey: armored });
  const pub = key.toPublic();
  const pairs = [[key.keyPacket, pub.keyPacket], ...key.subkeys.map((s, i) => [s.keyPacket, pub.subkeys[i]!.keyPacket])];
  return pairs.flatMap(([priv, pubPacket]) => {
    const secret = priv!.write().subarray(pubPacket!.write().length);
    return [0, 1, 2].map((i) => Buffer.from(secret.subarray(i)).toString('base64').slice(4, -4));
  });
}

describe(`${browserName} › hostile page`, () => {
  let alice: User;
  let bob: User;
  let secrets: string[] = [];

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    const fprs = await withKeys([alice, bob]);
    // Key material the page must never see: each user's private key export (still protected).
    const tab = await openOptions(alice);
    const { armored } = await ask<{ armored: string }>(tab, 'keys.exportPrivate', { fingerprint: fprs.get('alice') });
    await tab.close();
    secrets = [PASS, ...(await secretMaterial(armored)), '-----BEGIN PGP PRIVATE KEY BLOCK-----'];
  });
  afterAll(() => unbindAll([alice, bob]));

  test('type, send, receive and read with both pages recording: nothing leaks', async () => {
    [alice, bob] = await twoUsers('messenger');
    await Promise.all([hostile(alice, 'messenger', ['record', 'fake-lock']), hostile(bob, 'messenger', ['record'])]);
    await encryptChat(alice, ['Bob Jones']);
    const plaintext = 'Nobody but Bob may read this sentence, not even partly.';
    const parts = await sendSecure(alice, plaintext);
    await seesDecrypted(bob, parts[0]!, plaintext);
    // Select and copy the decrypted text inside Bob's thread frame.
    const { frame, sel } = await messageIn(bob, wireIdOf(parts[0]!));
    const text = `${sel} [data-mantle-plaintext]`;
    await frame.click(text);
    await frame.evaluate((s) => getSelection()!.selectAllChildren(document.querySelector(s)!), text);
    await frame.press(browserName === 'firefox' ? 'Control+c' : 'ControlOrMeta+c');
    for (const [who, tab] of [['alice', alice.tab], ['bob', bob.tab]] as const) {
      const log = await dump(tab);
      expect(log.events.length, `${who}'s recorder saw the page`).toBeGreaterThan(20);
      expect(log.events.some((e) => e.includes('MNTL1')), 'it saw the ciphertext: the recorder works').toBe(true);
      expect(leaks(log, [plaintext, ...secrets]), `${who}'s page`).toEqual([]);
    }
  });

  test('unlock in the composer and share a key: no passphrase or key material reaches the page', async () => {
    [alice, bob] = await twoUsers('instagram');
    await hostile(alice, 'instagram', ['record']);
    await encryptChat(alice, ['Bob Jones']);
    await setLocked(alice, true);
    const frame = await composer(alice);
    await frame.click('textarea');
    await poll('the unlock form', 10_000, () => frame.evaluate(() => !!document.querySelector('form.unlock') || undefined));
    await frame.type(PASS, 'form.unlock input[type="password"]');
    await frame.press('Enter');
    await poll('unlocked', 15_000, () => frame.evaluate(() => !document.querySelector('form.unlock') || undefined));
    await frame.click('.menu-button');
    await frame.evaluate(() => [...document.querySelectorAll<HTMLButtonElement>('.menu button')][0]!.click());
    await poll('the key share on the relay', 15_000, () => relay().stored().some((m) => m.from === 'alice' && m.text.startsWith('MNTL1 K')) || undefined);
    expect(leaks(await dump(alice.tab), secrets)).toEqual([]);
  });

  test('frames the page loads itself, or another site loads, refuse to show anything', async () => {
    [alice] = await twoUsers('messenger');
    await alice.tab.waitFor(COMPOSE_FRAME);
    const src = await alice.tab.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)!.src, COMPOSE_FRAME);
    // The page copies Mantle's frame (same token) and posts a forged secret into it.
    await alice.tab.evaluate((url) => {
      for (const [i, u] of [url, url.split('#')[0]!, `${url.split('#')[0]}#${'0'.repeat(48)}`].entries()) {
        const f = document.createElement('iframe');
        f.src = u;
        f.id = `forged-${i}`;
        f.addEventListener('load', () => f.contentWindow!.postMessage({ mantleSecret: 'f'.repeat(48) }, '*'));
        document.body.append(f);
      }
    }, src);
    for (const i of [0, 1, 2]) {
      const forged = await alice.tab.frame(`#forged-${i}`).catch(() => null);
      if (!forged) continue; // the browser refused to load it at all: also a refusal
      await poll(`forged frame ${i} to refuse`, 15_000, () =>
        forged.evaluate(() => document.querySelector('.refused') ? true : undefined).catch(() => true));
      expect(await forged.evaluate(() => !!document.querySelector('textarea, .badge, .panel')).catch(() => false)).toBe(false);
    }
    // Mantle's own frame still works next to the forgeries.
    expect(await (await composer(alice)).evaluate(() => !!document.querySelector('.badge, textarea'))).toBe(true);

    // Another origin that embeds the frame: Mantle's frames are web-accessible only to the sites.
    const other = await alice.session.newTab();
    await other.goto(`https://example.org/.well-known/openpgpkey/policy`);
    await other.evaluate((url) => {
      const f = document.createElement('iframe');
      f.src = url.split('#')[0]!;
      f.id = 'elsewhere';
      document.body.append(f);
    }, src);
    const elsewhere = await other.frame('#elsewhere', { timeout: 5_000 }).catch(() => null);
    const shows = elsewhere ? await elsewhere.evaluate(() => document.body?.innerText ?? '').catch(() => '') : '';
    expect(shows).not.toMatch(/Encrypt|Mantle$/);
    await other.close();
  });

  test('the thread frame takes only the grants Mantle posts, not the forged ones the page posts first; a copy the page loads shows nothing', async () => {
    [alice, bob] = await twoUsers('messenger');
    // Bob's page watches for every token Mantle gives a slot and at once posts a forged grant for
    // it into the thread frame (to any origin), again when that frame loads: a forged secret for
    // each message, before Mantle's own secret when the page wins the race.
    await bob.tab.evaluate(({ thread, slot }) => {
      const g = globalThis as unknown as { __forged: string[] };
      g.__forged = [];
      const hex = () => [...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const posted = new WeakMap<HTMLIFrameElement, Set<string>>();
      const forge = (frame: HTMLIFrameElement, force = false) => {
        const done = posted.get(frame) ?? new Set<string>();
        posted.set(frame, done);
        const grants = [...document.querySelectorAll<HTMLElement>(`${slot}[data-mantle-token]`)]
          .filter((s) => force || !done.has(s.dataset.mantleToken!))
          .map((s) => [s.dataset.mantleToken!, hex(), s.dataset.mantleId!]);
        if (!grants.length) return;
        for (const [token] of grants) done.add(token!);
        frame.contentWindow?.postMessage({ mantleThread: { grants } }, '*');
        g.__forged.push(...grants.map(([token]) => token!));
      };
      const watched = new WeakSet<HTMLIFrameElement>();
      const scan = () => {
        for (const frame of document.querySelectorAll<HTMLIFrameElement>(thread)) {
          if (!watched.has(frame)) {
            watched.add(frame);
            frame.addEventListener('load', () => forge(frame, true));
          }
          forge(frame);
        }
      };
      new MutationObserver(scan).observe(document.documentElement, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-mantle-token'] });
      scan();
    }, { thread: THREAD_FRAME, slot: 'div[data-mantle="slot"]' });
    await encryptChat(alice, ['Bob Jones']);
    const plaintexts = ['Forged grants first, the real one after: still shown.', 'And the next message too, whatever the page posts.'];
    const sent: StoredMessage[] = [];
    for (const p of plaintexts) sent.push((await sendSecure(alice, p))[0]!);
    for (const [i, p] of sent.entries()) await seesDecrypted(bob, p, plaintexts[i]!);
    // The page did post its forgeries, for the very tokens Mantle gave these messages.
    const { forged, tokens } = await bob.tab.evaluate((slots) => ({
      forged: (globalThis as unknown as { __forged: string[] }).__forged,
      tokens: slots.map((s) => document.querySelector<HTMLElement>(s)?.dataset.mantleToken ?? ''),
    }), sent.map((p) => slotOf(wireIdOf(p))));
    for (const token of tokens) {
      expect(token).toMatch(/^[0-9a-f]{48}$/);
      expect(forged, 'the page posted a forged grant for this token').toContain(token);
    }

    // The page loads a copy of the thread frame itself and posts the real tokens into it, with
    // forged secrets: it must draw nothing of those messages.
    const url = await bob.tab.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)!.src, THREAD_FRAME);
    await bob.tab.evaluate(({ url, slot }) => {
      const hex = () => [...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, '0')).join('');
      const slots = [...document.querySelectorAll<HTMLElement>(`${slot}[data-mantle-token]`)];
      const copy = document.createElement('iframe');
      copy.id = 'forged-thread';
      copy.src = url;
      copy.style.cssText = 'position:fixed;left:0;top:0;width:600px;height:600px;';
      copy.addEventListener('load', () => {
        const grants = slots.map((s) => [s.dataset.mantleToken!, hex(), s.dataset.mantleId!]);
        const boxes = slots.map((s, i) => [s.dataset.mantleToken!, 0, i * 80, 1]);
        // Several forged secrets per token, as the frame tries each in turn.
        for (let i = 0; i < 3; i++) copy.contentWindow!.postMessage({ mantleThread: { grants: i ? grants.map(([t, , id]) => [t, hex(), id]) : grants, boxes } }, '*');
      });
      document.body.append(copy);
    }, { url, slot: 'div[data-mantle="slot"]' });
    const copy = await bob.tab.frame('#forged-thread', { visible: false }).catch(() => null);
    if (copy) {
      // Long enough for the copy to have asked the background about every grant.
      await new Promise((r) => setTimeout(r, 4_000));
      const seen = await copy.evaluate((ids) => ({
        text: document.body?.innerText ?? '',
        plaintext: document.querySelectorAll('[data-mantle-plaintext]').length,
        // An article may say it could not open its message; none may show a sender or a text.
        opened: ids.filter((id) => document.querySelector(`[role="article"][data-mantle-id="${id}"]`)?.querySelector('[data-mantle-plaintext], [data-signature]')),
      }), sent.map(wireIdOf)).catch(() => ({ text: '', plaintext: 0, opened: [] as string[] }));
      for (const p of plaintexts) expect(seen.text).not.toContain(p.slice(0, 20));
      expect(seen.plaintext, 'decrypted text in the page\'s copy').toBe(0);
      expect(seen.opened, 'messages the page\'s copy opened').toEqual([]);
    }
    // Mantle's own thread frame still shows both.
    for (const [i, p] of sent.entries()) await seesDecrypted(bob, p, plaintexts[i]!);

    // The page moves Mantle's frame (its wrapper, to the same place): the frame loads again, a new
    // document that holds none of the messages, and must be given them all again.
    const frame = await bob.tab.frame(THREAD_FRAME, { visible: false });
    await frame.evaluate(() => void ((globalThis as unknown as { __old: boolean }).__old = true));
    await bob.tab.evaluate((sel) => {
      const wrapper = document.querySelector<HTMLIFrameElement>(sel)!.parentElement!;
      wrapper.parentElement!.append(wrapper);
    }, THREAD_FRAME);
    let shown: string[] = [];
    await poll('the moved frame, loaded again, to show both messages', 20_000, async () => {
      const f = await bob.tab.frame(THREAD_FRAME, { visible: false }).catch(() => null);
      const now = await f?.evaluate((ids) => {
        if ((globalThis as unknown as { __old?: boolean }).__old) return null;
        return ids.map((id) => document.querySelector<HTMLElement>(`[role="article"][data-mantle-id="${id}"] [data-mantle-plaintext]`)?.innerText ?? '');
      }, sent.map(wireIdOf)).catch(() => null);
      if (now) shown = now;
      return (now && plaintexts.every((p, i) => now[i] === p)) || undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}: it shows ${JSON.stringify(shown)}`);
    });
  });

  test('focus stolen right after clicking in, or while the user types, is noticed and shown', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    await hostile(alice, 'messenger', ['record', 'steal-focus']);
    const frame = await composer(alice);
    const warned = () => frame.evaluate(() => !!document.querySelector('[data-mantle-focus-lost]') || undefined);
    // The page grabs the focus every 700 ms while Mantle's frame has it, as a keylogger would.
    // First before any key: the user clicked in and the keys would go to the page from the first one.
    await frame.click('textarea');
    await poll('the page to take the focus', 5_000, async () =>
      (await dump(alice.tab)).events.some((e) => e.startsWith('attack steal-focus') && e.includes('"moved":true')) || undefined);
    await poll('the focus warning after a click', 5_000, warned);
    // Then while typing: a key in the composer clears the warning, and the next steal raises it
    // again. The frame's document records each change (the warning is already on screen).
    await frame.evaluate(() => {
      const seen: boolean[] = ((window as unknown as { __warnings: boolean[] }).__warnings = []);
      new MutationObserver(() => seen.push(!!document.querySelector('[data-mantle-focus-lost]')))
        .observe(document.body, { childList: true, subtree: true });
    });
    for (const word of ['typing ', 'along ', 'happily ']) {
      await frame.type(word, 'textarea');
      await new Promise((r) => setTimeout(r, 400));
    }
    await poll('the warning cleared by typing and raised by the next steal', 10_000, () => frame.evaluate(() => {
      const seen = (window as unknown as { __warnings: boolean[] }).__warnings;
      const cleared = seen.indexOf(false);
      return (cleared >= 0 && seen.slice(cleared).includes(true)) || undefined;
    }));
    const log = await dump(alice.tab);
    expect(log.events.some((e) => e.startsWith('attack steal-focus')), 'the attack ran').toBe(true);
  });
});
