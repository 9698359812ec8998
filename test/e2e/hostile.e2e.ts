// Issue 5: the page is the adversary. With a recorder of everything page scripts can observe, no
// plaintext, passphrase or key material shows up; frames the page loads itself refuse to work;
// focus stolen while the user types (or right after clicking in) is noticed and shown.
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { withHostile, type HostileFlag } from '../fixtures/hostile/flags';
import { leaks, type HostileLog } from '../fixtures/hostile/inspect';
import { browserName, poll, relay, server, twoUsers, user, type Site, type Tab, type User } from './harness';
import { ask, openOptions, setLocked } from './keys/options';
import { composer, COMPOSE_FRAME, encryptChat, PASS, seesDecrypted, sendSecure, unbindAll, withKeys } from './mantle';

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
    // Select and copy the decrypted text inside Bob's frame.
    const id = /^MNTL1 M ([0-9a-f]{8})/.exec(parts[0]!.text)![1];
    const frame = await bob.tab.frame(`iframe[data-mantle="message"][data-mantle-id="${id}"]`);
    await frame.click('[data-mantle-plaintext]');
    await frame.evaluate(() => getSelection()!.selectAllChildren(document.querySelector('[data-mantle-plaintext]')!));
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

  test('a message frame loaded ahead takes only the grant Mantle posts into it, not the page\'s', async () => {
    [alice, bob] = await twoUsers('messenger');
    // Bob's chat is open and quiet: Mantle loads a spare message frame, outside the page's body.
    const SPARE = ':root > iframe[data-mantle="message"]';
    const url = await poll('a spare message frame', 15_000, () => bob.tab.evaluate((sel) => document.querySelector<HTMLIFrameElement>(sel)?.src, SPARE));
    expect(url).toMatch(/#spare-[0-9a-f]{16}$/);
    const spare = await bob.tab.frame(SPARE);
    await poll('the spare to load', 10_000, () => spare.evaluate(() => document.readyState === 'complete' || undefined));
    // The page posts a forged grant into it, and into a copy of it that it loads itself.
    await bob.tab.evaluate(({ sel, url }) => {
      const forged = { mantleGrant: { token: 'a'.repeat(48), secret: 'b'.repeat(48) } };
      document.querySelector<HTMLIFrameElement>(sel)!.contentWindow!.postMessage(forged, '*');
      const copy = document.createElement('iframe');
      copy.id = 'forged-spare';
      copy.src = url;
      copy.addEventListener('load', () => copy.contentWindow!.postMessage(forged, '*'));
      document.body.append(copy);
    }, { sel: SPARE, url });
    await encryptChat(alice, ['Bob Jones']);
    const plaintext = 'Arriving in a frame that was ready before it came.';
    const parts = await sendSecure(alice, plaintext);
    await seesDecrypted(bob, parts[0]!, plaintext);
    const id = /^MNTL1 M ([0-9a-f]{8})/.exec(parts[0]!.text)![1];
    expect(await bob.tab.evaluate((id) => document.querySelector<HTMLIFrameElement>(`iframe[data-mantle-id="${id}"]`)!.src, id), 'the spare showed it').toBe(url);
    const copy = await bob.tab.frame('#forged-spare');
    expect(await copy.evaluate(() => document.body.innerText.trim())).toBe('');
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
