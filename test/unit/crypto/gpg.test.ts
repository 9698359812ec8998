/** GnuPG interoperability both ways, with a throwaway GnuPG home. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { decryptMessage, encryptMessage } from '../../../src/crypto';
import { assembleWire, encodeWire, parseWire } from '../../../src/wire';
import { fixture, fixtureKeys } from './helpers';

let home = '';
let alice: openpgp.PrivateKey, bob: openpgp.PrivateKey;

function gpg(args: string[], input?: string | Uint8Array): { stdout: Buffer; status: string } {
  const statusFile = join(home, 'status');
  const stdout = execFileSync('gpg', ['--homedir', home, '--batch', '--pinentry-mode', 'loopback', '--no-tty', '--trust-model', 'always', '--status-file', statusFile, ...args], {
    input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 10_000,
  });
  return { stdout, status: readFileSync(statusFile, 'utf8') };
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'mantle-gpg-'));
  ({ alice, bob } = await fixtureKeys());
  gpg(['--import'], fixture('wire-bob.sec.asc'));
  gpg(['--import'], fixture('wire-alice.sec.asc'));
});

afterAll(() => {
  try {
    execFileSync('gpgconf', ['--homedir', home, '--kill', 'gpg-agent'], { stdio: 'ignore' });
  } catch { /* no agent was started */ }
  rmSync(home, { recursive: true, force: true });
});

const text = 'GnuPG interop — ünïcödé 👋\nsecond line\n';

describe('GnuPG interoperability', () => {
  it('gpg decrypts and verifies what Mantle sent, once the transport is stripped', async () => {
    const binary = await encryptMessage({ text, encryptionKeys: [bob.toPublic(), alice.toPublic()], signingKey: alice });
    const assembled = assembleWire(encodeWire('msg', binary, 768));
    if (!('data' in assembled) || typeof assembled.data === 'string') throw new Error('not reassembled');
    const file = join(home, 'from-mantle.gpg');
    writeFileSync(file, assembled.data);
    const { stdout, status } = gpg(['--decrypt', file]);
    expect(stdout.toString('utf8')).toBe(text);
    expect(status).toContain(`VALIDSIG ${alice.getFingerprint().toUpperCase()}`);
    expect(status).toMatch(/DECRYPTION_OKAY/);
  });

  it('Mantle decrypts and verifies an armored gpg message pasted into a bubble', async () => {
    const armored = gpg(['--armor', '--sign', '--encrypt', '-r', 'wire-bob@example.org', '-u', 'wire-alice@example.org'], text).stdout.toString();
    expect(armored).toMatch(/^-----BEGIN PGP MESSAGE-----/);
    for (const bubble of [armored, armored.replace(/\n/g, ' '), armored.replace(/\n/g, '')]) {
      const block = parseWire(bubble);
      if (!block || !('armored' in block)) throw new Error(`not recognised: ${bubble.slice(0, 80)}`);
      const out = await decryptMessage({ data: block.armored, decryptionKeys: [bob], verificationKeys: [alice.toPublic()] });
      expect(out).toEqual({ ok: true, text, signature: { status: 'valid', signerFingerprint: alice.getFingerprint().toUpperCase(), signerKeyId: expect.any(String) } });
    }
  });

  it('Mantle refuses a gpg message made without integrity protection (--rfc2440)', async () => {
    const raw = gpg(['--rfc2440', '--encrypt', '-r', 'wire-bob@example.org'], 'no mdc').stdout;
    expect(await decryptMessage({ data: new Uint8Array(raw), decryptionKeys: [bob], verificationKeys: [] })).toEqual({ ok: false, error: 'no-integrity' });
  });

  it('gpg imports a key share once the transport is stripped', async () => {
    const carol = (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Carol', email: 'carol@example.org' }], format: 'object' })).publicKey;
    const assembled = assembleWire(encodeWire('key', carol.write(), 1000));
    if (!('data' in assembled) || typeof assembled.data === 'string') throw new Error('not reassembled');
    const { status } = gpg(['--import'], assembled.data);
    expect(status).toContain(`IMPORT_OK 1 ${carol.getFingerprint().toUpperCase()}`);
  });
});
