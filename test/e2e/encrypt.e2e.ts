// Issue 4: encrypted conversations on Messenger and Instagram. The user types only in Mantle's
// frame; the relay (what the platform stores) holds only ciphertext; the other side reads it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserName, relay, twoUsers, user, type Site, type User } from './harness';
import { openOptions } from './keys/options';
import { encryptChat, seesDecrypted, sendSecure, withKeys } from './mantle';

const sites: Site[] = ['messenger', 'instagram'];

describe(`${browserName} › encrypted chats`, () => {
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await withKeys([alice, bob]);
  });

  afterAll(async () => {
    // Other files share these profiles and type into the site's own box: unbind the chats.
    for (const u of [alice, bob]) {
      const tab = await openOptions(u);
      await tab.evaluate(async () => {
        type Ext = { storage: { local: { remove(k: string): Promise<void> } } };
        const g = globalThis as unknown as { browser?: Ext; chrome?: Ext };
        await (g.browser ?? g.chrome)!.storage.local.remove('bindings');
      });
      await tab.close();
    }
  });

  test.each(sites)('%s: alice sends an encrypted message; the relay holds only ciphertext; bob reads it', async (site) => {
    [alice, bob] = await twoUsers(site);
    await encryptChat(alice, ['Bob Jones']);
    const secret = `Meet at the old library at 7, ${site} ${browserName} ✓ 🎉`;
    const parts = await sendSecure(alice, secret);

    for (const p of parts) {
      expect(p.text).toMatch(/^MNTL1 M [0-9a-f]{8} \d{3}\/\d{3} [A-Za-z0-9+/]+=*$/);
      expect(p.text).not.toContain('library');
    }
    expect(relay().stored().some((m) => m.text.includes('old library'))).toBe(false);

    const shown = await seesDecrypted(bob, parts[0]!, secret);
    expect(shown).toContain('Alice Smith');
    // Every message is also encrypted to the sender: alice reads her own.
    await seesDecrypted(alice, parts[0]!, secret);
  });

  test('instagram: a long message is split into parts under 1,000 characters and reassembled', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const long = Array.from({ length: 60 }, (_, i) => `line ${i}: the quick brown fox jumps over the lazy dog.`).join(' ');
    const parts = await sendSecure(alice, long, 'paste');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(1000);
    await seesDecrypted(bob, parts[0]!, 'line 59: the quick brown fox');
  });
});
