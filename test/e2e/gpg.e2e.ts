// Issue 4, GnuPG interoperability both ways, with keys that live in the users' real profiles:
// gpg reads what Mantle sent (transport stripped), and Mantle reads a gpg message pasted in a chat.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserName, relay, twoUsers, user, type User } from './harness';
import { ask, openOptions } from './keys/options';
import { encryptChat, PASS, sendSecure, unbindAll, withKeys } from './mantle';

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
    // In the page's body: a spare frame loaded ahead waits outside it (content/spare.ts).
    const count = () => bob.tab.evaluate(() => document.body.querySelectorAll('iframe[data-mantle="message"]').length);
    const before = await count();
    relay().inject(site, thread, 'alice', armored);
    // Armored blocks carry no wire id: take the newest message frame (the list ends with it).
    await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(before);
    await bob.tab.evaluate(() => {
      const all = document.body.querySelectorAll('iframe[data-mantle="message"]');
      all[all.length - 1]!.setAttribute('data-e2e-newest', '');
    });
    const frame = await bob.tab.frame('iframe[data-e2e-newest]');
    await expect.poll(() => frame.evaluate(() => document.body.innerText), { timeout: 20_000 }).toContain(secret);
    expect(await frame.evaluate(() => document.querySelector('[data-signature]')?.getAttribute('data-signature'))).toBe('verified');
  });
});
