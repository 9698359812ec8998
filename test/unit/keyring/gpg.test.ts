import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, describe, expect, it } from 'vitest';
import { FIXTURE_PASSPHRASE, fixture, harness } from './helpers';

const hasGpg = spawnSync('gpg', ['--version']).status === 0;
const home = mkdtempSync(join(tmpdir(), 'mantle-gpg-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function gpg(args: string[], input?: string): string {
  return execFileSync('gpg', ['--homedir', home, '--batch', '--no-tty', '--pinentry-mode', 'loopback', ...args], {
    input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'],
  });
}

async function decryptWith(h: ReturnType<typeof harness>, armoredMessage: string): Promise<string> {
  const { data } = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage }), decryptionKeys: await h.kr.decryptionKeys() });
  return data as string;
}

describe('GnuPG keys into Mantle', () => {
  for (const [file, algorithm] of [['gpg-curve25519', 'Ed25519 / Curve25519'], ['gpg-rsa3072', 'RSA 3072']] as const) {
    it(`${file}: the secret key imports with its passphrase and works`, async () => {
      const h = harness();
      const r = await h.kr.importPrivate(fixture(`${file}.sec.asc`), FIXTURE_PASSPHRASE);
      const k = r.imported[0]!;
      expect(k).toMatchObject({ algorithm, own: true, isDefault: true, status: 'valid', hasEncryption: true, warnings: [] });
      expect(h.progress.filter((p) => p.op === 'import').map((p) => p.phase)).toEqual(['parse', 'decrypt', 'store', 'done']);
      await h.kr.lock();
      await h.kr.unlock(k.fingerprint, FIXTURE_PASSPHRASE);
      const text = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'from gpg land' }), encryptionKeys: await h.kr.encryptionKeys([k.fingerprint]), signingKeys: await h.kr.signingKey() });
      expect(await decryptWith(h, text as string)).toBe('from gpg land');
      // The public export merges into the same key rather than adding a contact.
      expect((await h.kr.importPublic(fixture(`${file}.pub.asc`))).unchanged).toHaveLength(1);
    });
  }

  it('public keys exported with gpg --export --armor import as contacts', async () => {
    const h = harness();
    const r = await h.kr.importPublic(fixture('gpg-curve25519.pub.asc') + fixture('gpg-rsa3072.pub.asc'));
    expect(r.imported.map((k) => [k.email, k.own, k.status])).toEqual([
      ['curve@example.org', false, 'valid'], ['rsa@example.org', false, 'valid'],
    ]);
  });
});

describe('Mantle keys into GnuPG', () => {
  it('gpg --import accepts the exported public and private keys, and they interoperate', async () => {
    expect(hasGpg, 'gpg is missing: install it (Debian: apt-get install -y gnupg); npm test does this as root').toBe(true);
    const h = harness();
    const k = await h.kr.generate({ name: 'Mantle User', email: 'mantle@example.org', passphrase: 'mantle-pass' });
    gpg(['--import'], await h.kr.exportPublic(k.fingerprint));
    const listed = gpg(['--with-colons', '--list-keys', k.fingerprint]);
    expect(listed).toContain(`fpr:::::::::${k.fingerprint}:`);
    expect(listed).toMatch(/^uid:.*Mantle User <mantle@example.org>/m);
    expect(listed).toMatch(/^sub:[^:]*:255:18:/m); // a cv25519 encryption subkey gpg can use

    // gpg encrypts to the Mantle key; Mantle decrypts.
    const enc = gpg(['--trust-model', 'always', '--armor', '--encrypt', '--recipient', k.fingerprint], 'hi from gpg');
    expect(await decryptWith(h, enc)).toBe('hi from gpg');

    // The protected private backup imports into gpg with the same passphrase and signs there.
    gpg(['--passphrase', 'mantle-pass', '--import'], await h.kr.exportPrivate(k.fingerprint));
    const sig = gpg(['--passphrase', 'mantle-pass', '--local-user', k.fingerprint, '--armor', '--sign'], 'signed in gpg');
    const verified = await openpgp.verify({ message: await openpgp.readMessage({ armoredMessage: sig }), verificationKeys: await h.kr.verificationKeys(), expectSigned: true });
    expect(verified.data).toBe('signed in gpg');
  });
});
