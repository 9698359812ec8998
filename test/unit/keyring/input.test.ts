import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { isKeyringError, type KeyringErrorCode } from '../../../src/keyring';
import { crc24, splitArmor } from '../../../src/keyring/armor';
import { FIXTURE_PASSPHRASE, fixture, fixtureBytes, harness, snapshot, type Harness } from './helpers';

async function expectCode(p: Promise<unknown>, code: KeyringErrorCode): Promise<void> {
  const e = await p.then(() => null, (err: unknown) => err);
  expect(isKeyringError(e) ? e.code : e).toBe(code);
}

let alice: { pub: string; sec: string };
let h: Harness;
beforeAll(async () => {
  const k = await openpgp.generateKey({
    type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Alice', email: 'alice@example.org' }],
    passphrase: 'alice-pass', format: 'armored',
  });
  alice = { pub: k.publicKey, sec: k.privateKey };
  h = harness();
  // Something already in the keyring, so "untouched" is not trivially an empty keyring.
  await h.kr.importPublic(fixture('gpg-curve25519.pub.asc'));
});

const lines = (s: string) => s.split('\n');

/** Each bad input is refused with its own code, and storage stays byte for byte the same. */
describe('bad input', () => {
  const cases: Array<[string, () => Promise<unknown>, KeyringErrorCode]> = [
    ['garbage text', () => h.kr.importPublic('hello, this is not a key'), 'not-a-key'],
    ['garbage bytes', () => h.kr.importPublic(new Uint8Array([0x99, 1, 2, 3, 4, 5, 6])), 'truncated'],
    ['random bytes', () => h.kr.importPublic(new Uint8Array(64).fill(0xa5)), 'not-a-key'],
    ['empty', () => h.kr.importPublic(''), 'not-a-key'],
    ['a PGP message', () => h.kr.importPublic('-----BEGIN PGP MESSAGE-----\n\nwcBMA\n=AAAA\n-----END PGP MESSAGE-----\n'), 'not-a-key'],
    ['armor without its end', () => h.kr.importPublic(alice.pub.slice(0, alice.pub.length / 2)), 'truncated'],
    ['armor without body', () => h.kr.importPublic('-----BEGIN PGP PUBLIC KEY BLOCK-----\n-----END PGP PUBLIC KEY BLOCK-----\n'), 'truncated'],
    ['binary cut short', async () => h.kr.importPublic((await openpgp.readKey({ armoredKey: alice.pub })).write().slice(0, -20)), 'truncated'],
    ['wrong CRC', () => h.kr.importPublic(lines(alice.pub).map((l) => (/^=/.test(l) ? '=AAAA' : l)).join('\n')), 'checksum'],
    ['flipped body character', () => h.kr.importPublic(flip(alice.pub)), 'checksum'],
    ['private where public expected', () => h.kr.importPublic(alice.sec), 'expected-public'],
    ['public where private expected', () => h.kr.importPrivate(alice.pub, 'x'), 'expected-private'],
    ['RSA 1024', () => h.kr.importPublic(fixture('gpg-rsa1024.pub.asc')), 'weak-key'],
    ['RSA 1024 among good keys', () => h.kr.importPublic(alice.pub + fixture('gpg-rsa1024.pub.asc')), 'weak-key'],
    ['wrong passphrase', () => h.kr.importPrivate(alice.sec, 'wrong'), 'wrong-passphrase'],
    ['gpg key, wrong passphrase', () => h.kr.importPrivate(fixture('gpg-curve25519.sec.asc'), 'nope'), 'wrong-passphrase'],
    ['a key without valid self-signatures', async () => h.kr.importPublic(await unsigned(alice.pub)), 'invalid'],
    ['5 MB text', () => h.kr.importPublic('A'.repeat(5 * 1024 * 1024)), 'too-large'],
    ['5 MB bytes', () => h.kr.importPublic(new Uint8Array(5 * 1024 * 1024)), 'too-large'],
    ['1 MB of multibyte text', () => h.kr.importPublic('é'.repeat(600 * 1024)), 'too-large'],
  ];
  for (const [name, run, code] of cases) {
    it(`${name} → ${code}`, async () => {
      const before = snapshot(h);
      await expectCode(run(), code);
      expect(snapshot(h)).toBe(before);
    });
  }

  it('refuses 5 MB quickly, before parsing', async () => {
    const big = `-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n${'QUFB\n'.repeat(1024 * 1024)}-----END PGP PUBLIC KEY BLOCK-----\n`;
    const t = performance.now();
    await expectCode(h.kr.importPublic(big), 'too-large');
    expect(performance.now() - t).toBeLessThan(5000); // a hang guard: parsing 5 MB would take far longer
  });

  it('keeps user IDs with HTML as plain strings', async () => {
    const uid = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: uid, email: 'html@example.org' }], format: 'armored' });
    const { imported: [info] } = await h.kr.importPublic(publicKey);
    expect(info!.name).toBe(uid);
    expect(info!.userIds).toEqual([`${uid} <html@example.org>`]);
    await h.kr.delete(info!.fingerprint);
  });

  it('warns on old algorithms but imports them', async () => {
    const { imported: [dsa] } = await h.kr.importPublic(fixture('gpg-dsa-elgamal.pub.asc'));
    expect(dsa!.algorithm).toBe('DSA 2048 / ElGamal 2048');
    expect(dsa!.warnings).toEqual(['old-algorithm']);
    const rsa = (await h.kr.importPublic(fixture('gpg-rsa3072.pub.asc'))).imported[0]!;
    expect(rsa.warnings).toEqual([]);
    expect(rsa.algorithm).toBe('RSA 3072');
    await h.kr.delete(dsa!.fingerprint);
    await h.kr.delete(rsa.fingerprint);
  });
});

describe('armor', () => {
  it('computes the RFC 4880 CRC-24', () => {
    expect(crc24(new TextEncoder().encode('123456789'))).toBe(0x21cf02);
  });

  it('accepts armor without a checksum, with CRLF line ends, and surrounding text', async () => {
    const noCrc = lines(alice.pub).filter((l) => !/^=/.test(l)).join('\r\n');
    expect(splitArmor(`Here is my key:\r\n${noCrc}\r\nthanks`)).toHaveLength(1);
  });

  it('reads .asc files given as bytes and binary .gpg files', async () => {
    const g = harness();
    const a = await g.kr.importPublic(new TextEncoder().encode(fixture('gpg-curve25519.pub.asc')));
    const b = await g.kr.importPublic(fixtureBytes('gpg-curve25519.pub.gpg'));
    expect(a.imported).toHaveLength(1);
    expect(b.unchanged.map((k) => k.fingerprint)).toEqual(a.imported.map((k) => k.fingerprint));
  });
});

async function unsigned(armored: string): Promise<string> {
  const key = await openpgp.readKey({ armoredKey: armored });
  key.users[0]!.selfCertifications = [];
  return key.armor();
}

/** Changes one base64 character in the middle of the body, keeping the CRC line. */
function flip(armored: string): string {
  const ls = lines(armored);
  const i = Math.floor(ls.length / 2);
  const l = ls[i]!;
  ls[i] = l.slice(0, 5) + (l[5] === 'A' ? 'B' : 'A') + l.slice(6);
  return ls.join('\n');
}
