// Issue 4 (and WhatsApp from issue 6): encrypted conversations. The user types only in Mantle's
// frame; the relay (what the platform stores) holds only ciphertext; the other side reads it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserName, poll, relay, twoUsers, user, type Site, type User } from './harness';
import { encryptChat, expectNoLeak, seesDecrypted, sendSecure, signatureOf, unbindAll, withKeys } from './mantle';

const sites: Site[] = ['messenger', 'instagram', 'whatsapp'];

describe(`${browserName} › encrypted chats`, () => {
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await withKeys([alice, bob]);
  });
  afterAll(() => unbindAll([alice, bob]));

  test.each(sites)('%s: alice sends, the relay holds only ciphertext, bob reads it verified and replies', async (site) => {
    [alice, bob] = await twoUsers(site);
    await encryptChat(alice, ['Bob Jones']);
    const secret = `Meet at the old library at 7, ${site} ${browserName} ✓ 🎉\nsecond line`;
    const parts = await sendSecure(alice, secret);
    for (const p of parts) expect(p.text).toMatch(/^MNTL1 M [0-9a-f]{8} \d{3}\/\d{3} [A-Za-z0-9+/]+=*$/);
    expectNoLeak(secret);

    const shown = await seesDecrypted(bob, parts[0]!, 'second line');
    expect(shown).toContain(secret.split('\n')[0]);
    expect(await signatureOf(bob, parts[0]!)).toBe('verified');
    // Every message is also encrypted to the sender: alice reads her own.
    await seesDecrypted(alice, parts[0]!, 'old library');

    await encryptChat(bob, ['Alice Smith']);
    const reply = `Yes, see you there — bob on ${site}`;
    const replyParts = await sendSecure(bob, reply);
    expectNoLeak(reply);
    await seesDecrypted(alice, replyParts[0]!, reply);
    expect(await signatureOf(alice, replyParts[0]!)).toBe('verified');
  });

  test('instagram: a 3,000-character message is split into parts under 1,000 characters and reassembled', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const long = Array.from({ length: 62 }, (_, i) => `line ${String(i).padStart(2, '0')}: the quick brown fox jumps over the dog.`).join(' ');
    expect(long.length).toBeGreaterThanOrEqual(3000);
    const parts = await sendSecure(alice, long, 'paste');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(1000);
    expectNoLeak(long);
    const shown = await seesDecrypted(bob, parts[0]!, 'line 61: the quick brown fox');
    expect(shown).toContain(long);
  });

  test('whatsapp: every part stays short enough that "Read more" never cuts it', async () => {
    [alice, bob] = await twoUsers('whatsapp');
    await encryptChat(alice, ['Bob Jones']);
    const text = 'WhatsApp keeps long texts behind Read more. '.repeat(20);
    const parts = await sendSecure(alice, text, 'paste');
    for (const p of parts) expect([...p.text].length).toBeLessThanOrEqual(768);
    await seesDecrypted(bob, parts[0]!, text.trim());
  });

  test('messenger: once a screen of messages is shown, as many frames are loaded ahead for the next one', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const sent = [];
    for (let i = 1; i <= 6; i++) sent.push((await sendSecure(alice, `screenful ${i} (${browserName})`))[0]!);
    for (const [i, p] of sent.entries()) await seesDecrypted(bob, p, `screenful ${i + 1}`);
    // Spares wait outside the page's body (content/spare.ts); the bubbles' frames are inside it.
    let last = { inView: 0, ahead: 0 };
    await poll('a spare for every bubble in view', 30_000, async () => {
      last = await bob.tab.evaluate(() => ({
        inView: [...document.body.querySelectorAll<HTMLIFrameElement>('iframe[data-mantle="message"]')].filter((f) => {
          const r = f.getBoundingClientRect();
          return r.height > 0 && r.bottom > 0 && r.top < innerHeight;
        }).length,
        ahead: document.querySelectorAll(':root > iframe[data-mantle="message"]').length,
      }));
      return (last.inView >= 5 && last.ahead >= last.inView) || undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}: ${last.ahead} loaded ahead, ${last.inView} bubbles in view`);
    });
    // A screen, not the whole chat: the shelf stops (each spare is a document of a few MB).
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await bob.tab.evaluate(() => document.querySelectorAll(':root > iframe[data-mantle="message"]').length)).toBeLessThanOrEqual(12);
  }, 120_000);
});

describe(`${browserName} › group of three`, () => {
  let users: User[] = [];
  beforeAll(async () => {
    users = await Promise.all([user('alice'), user('bob'), user('carol')]);
    await withKeys(users);
  });
  afterAll(() => unbindAll(users));

  test.each(['messenger', 'whatsapp'] as Site[])('%s: alice writes to the group; bob and carol both read it', async (site) => {
    const [alice, bob, carol] = users as [User, User, User];
    const group = relay().threads(site, 'alice').find((t) => t.participants.length === 3)!;
    await Promise.all([alice, bob, carol].map((u) => u.open(site, site === 'whatsapp' ? group.title : group.id)));
    await encryptChat(alice, ['Bob Jones', 'Carol White']);
    const secret = `Group plans for ${site}: picnic on Saturday`;
    const parts = await sendSecure(alice, secret);
    expectNoLeak(secret);
    await seesDecrypted(bob, parts[0]!, secret);
    await seesDecrypted(carol, parts[0]!, secret);
  });
});
