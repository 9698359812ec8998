// Issue 4, GnuPG interoperability both ways, with keys that live in the users' real profiles:
// gpg reads what Mantle sent (transport stripped), and Mantle reads a gpg message pasted in a chat.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserName, poll, relay, twoUsers, user, type User } from './harness';
import { ask, openOptions } from './keys/options';
import { articlesIn, encryptChat, messageIn, PASS, sendSecure, unbindAll, withKeys } from './mantle';

function gpg(home: string, args: string[], input?: string | Buffer): string {
  return execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--passphrase', PASS, '--trust-model', 'always', ...args], {
    input, stdio: ['pipe', 'pipe', 'pipe'],
  }).toString('utf8');
}

describe(`${browserName} › GnuPG interoperability`, () => {
  let alice: User;
  let bob: User;
  let home: string;
  let fprs: Map<string, string>;

  beforeAll(async () => {
    expect(() => execFileSync('gpg', ['--version'])).not.toThrow();
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    fprs = await withKeys([alice, bob]);
    home = mkdtempSync(join(tmpdir(), 'mantle-gpg-'));
    // Bob's and Alice's secret keys, exported from their profiles (still passphrase-protected).
    for (const u of [alice, bob]) {
      const tab = await openOptions(u);
      const { armored } = await ask<{ armored: string }>(tab, 'keys.exportPrivate', { fingerprint: fprs.get(u.name) });
      await tab.close();
      gpg(home, ['--import'], armored);
    }
  });
  afterAll(async () => {
    rmSync(home, { recursive: true, force: true });
    await unbindAll([alice, bob]);
  });

  test('gpg decrypts and verifies what Mantle sent, once the transport is stripped', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const secret = 'GnuPG can read this too — ünïcödé ✓';
    const parts = await sendSecure(alice, secret);
    const base64 = parts.map((p) => p.text.split(' ')[4]).join('');
    const file = join(home, 'msg.gpg');
    writeFileSync(file, Buffer.from(base64, 'base64'));
    const status = join(home, 'status');
    const plain = gpg(home, ['--status-file', status, '--decrypt', file]);
    expect(plain).toBe(secret);
    expect(execFileSync('cat', [status]).toString()).toContain(`VALIDSIG ${fprs.get('alice')}`);
  });

  test('Mantle decrypts an armored gpg message posted in the chat, and verifies its signer', async () => {
    [alice, bob] = await twoUsers('messenger');
    const secret = 'sent from the command line with gpg --encrypt --sign --armor';
    const armored = gpg(home, ['--armor', '--encrypt', '--sign', '--local-user', fprs.get('alice')!, '--recipient', fprs.get('bob')!], secret);
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    const { site, thread } = bob.current;
    // Mantle's boxes in the page: one slot per message shown.
    const count = () => bob.tab.evaluate(() => document.querySelectorAll('div[data-mantle="slot"]').length);
    const before = await count();
    relay().inject(site, thread, 'alice', armored);
    // Armored blocks carry no wire id: take the newest slot (the list ends with it) and its id.
    await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(before);
    const slot = () => bob.tab.evaluate(() => {
      const all = document.querySelectorAll<HTMLElement>('div[data-mantle="slot"]');
      const s = all[all.length - 1]!;
      return { id: s.dataset.mantleId ?? '', token: s.dataset.mantleToken ?? '' };
    });
    const { id } = await slot();
    expect(id).toBeTruthy();
    const { frame, sel } = await messageIn(bob, id);
    let shown = '';
    await poll('the armored message decrypted in the thread frame', 20_000, async () => {
      shown = await frame.evaluate((s) => document.querySelector<HTMLElement>(s)?.innerText ?? '', sel);
      return shown.includes(secret) || undefined;
    }).catch(async (e: Error) => {
      throw new Error(`${e.message}; its article shows ${JSON.stringify(shown)}; its slot ${JSON.stringify(await slot())}; ${await articlesIn(bob)}`);
    });
    expect(await frame.evaluate((s) => document.querySelector(s)?.querySelector('[data-signature]')?.getAttribute('data-signature'), sel)).toBe('verified');
  });
});
