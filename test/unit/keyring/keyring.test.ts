import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatFingerprint, isKeyringError, type KeyInfo } from '../../../src/keyring';
import { fixture, harness, snapshot } from './helpers';

const DAY = 86_400_000;
const gen = (name: string, email: string) => openpgp.generateKey({
  type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email }], format: 'object',
});

type Pair = Awaited<ReturnType<typeof gen>>;
let bob: Pair;
let bob2: Pair; // Bob's new key: same email, another fingerprint
let carol: Pair;
beforeAll(async () => {
  [bob, bob2, carol] = await Promise.all([gen('Bob', 'bob@example.org'), gen('Bob', 'Bob@Example.org'), gen('Carol', 'carol@example.org')]);
});
const fpr = (k: openpgp.Key) => k.getFingerprint().toUpperCase();

describe('own keys', () => {
  it('generates a v4 Ed25519/Curve25519 key, 2 years, default, unlocked', async () => {
    const h = harness();
    const info = await h.kr.generate({ name: 'Me <b>', email: 'me@example.org', passphrase: 'correct horse' });
    expect(info).toMatchObject({
      name: 'Me <b>', email: 'me@example.org', userIds: ['Me <b> <me@example.org>'], algorithm: 'Ed25519 / Curve25519',
      status: 'valid', own: true, isDefault: true, verified: true, hasEncryption: true, warnings: [],
    });
    expect(info.fingerprint).toMatch(/^[0-9A-F]{40}$/);
    expect(info.keyId).toBe(info.fingerprint.slice(-16));
    expect(Date.parse(info.expires!) - Date.parse(info.created)).toBe(730 * DAY);
    expect(await h.kr.unlocked()).toEqual([info.fingerprint]);
    expect(h.progress.map((p) => p.phase)).toEqual(['start', 'encrypt', 'store', 'done']);
    // Stored protected only: the exported private key does not decrypt without the passphrase.
    const stored = await openpgp.readPrivateKey({ armoredKey: await h.kr.exportPrivate(info.fingerprint) });
    expect(stored.isDecrypted()).toBe(false);
    expect(stored.keyPacket.version).toBe(4);
    expect(JSON.stringify([...h.local.data])).not.toContain('PRIVATE KEY BLOCK-----\\n\\nxVg'); // no unencrypted secret
    const pub = await openpgp.readKey({ armoredKey: await h.kr.exportPublic(info.fingerprint) });
    expect(pub.isPrivate()).toBe(false);

    const never = await h.kr.generate({ name: 'Forever', passphrase: 'p', expiresInDays: 0 });
    expect(never).toMatchObject({ expires: null, email: '', isDefault: false });
    await h.kr.setDefault(never.fingerprint);
    expect((await h.kr.list()).map((k) => k.isDefault)).toEqual([false, true]);
    await h.kr.delete(never.fingerprint);
    expect((await h.kr.list()).map((k) => k.isDefault)).toEqual([true]);
  });

  it('refuses bad generate arguments', async () => {
    const h = harness();
    for (const [o, code] of [
      [{ name: ' ', passphrase: 'p' }, 'invalid-input'],
      [{ name: 'A', email: 'not an email', passphrase: 'p' }, 'invalid-input'],
      [{ name: 'A', passphrase: '' }, 'empty-passphrase'],
      [{ name: 'A', passphrase: 'p', expiresInDays: -1 }, 'invalid-input'],
    ] as const) {
      await expect(h.kr.generate(o)).rejects.toMatchObject({ code });
    }
    expect(await h.kr.list()).toEqual([]);
  });
});

describe('contacts', () => {
  it('imports many keys from one block, lists them, never duplicates', async () => {
    const h = harness();
    const block = openpgp.armor(openpgp.enums.armor.publicKey, concat(bob.publicKey.write(), carol.publicKey.write()));
    const r = await h.kr.importPublic(block);
    expect(r.imported.map((k) => k.email)).toEqual(['bob@example.org', 'carol@example.org']);
    expect(r.imported[0]).toMatchObject({ own: false, verified: false, isDefault: false, status: 'valid', hasEncryption: true });
    const again = await h.kr.importPublic(bob.publicKey.armor() + carol.publicKey.armor());
    expect(again.unchanged).toHaveLength(2);
    expect(await h.kr.list()).toHaveLength(2);
    expect(formatFingerprint(fpr(bob.publicKey))).toMatch(/^([0-9A-F]{4} ){9}[0-9A-F]{4}$/);
    expect(formatFingerprint('0xab cd12 34')).toBe('ABCD 1234');
    expect((await h.kr.findByEmail('BOB@example.org')).map((k) => k.fingerprint)).toEqual([fpr(bob.publicKey)]);
    const subkeyId = bob.publicKey.subkeys[0]!.getKeyID().toHex();
    expect((await h.kr.findByFingerprint(subkeyId))?.fingerprint).toBe(fpr(bob.publicKey));
    expect((await h.kr.findByFingerprint(formatFingerprint(fpr(carol.publicKey)).toLowerCase()))?.email).toBe('carol@example.org');
    expect(await h.kr.findByFingerprint('00'.repeat(20))).toBeNull();
  });

  it('merges new signatures, subkeys and revocations into the existing key', async () => {
    const h = harness();
    await h.kr.importPublic(bob.publicKey.armor());
    await h.kr.setVerified(fpr(bob.publicKey), true);
    // Bob adds a subkey, then revokes his key; each update merges.
    const withSubkey = await bob.privateKey.addSubkey({ type: 'ecc', curve: 'curve25519Legacy' });
    const up = await h.kr.importPublic(withSubkey.toPublic().armor());
    expect(up.updated).toHaveLength(1);
    expect(up.updated[0]!.verified).toBe(true);
    const { publicKey: revoked } = await openpgp.revokeKey({ key: bob.privateKey, format: 'armored' });
    const r = await h.kr.importPublic(revoked);
    expect(r.updated[0]!.status).toBe('revoked');
    const stored = await openpgp.readKey({ armoredKey: await h.kr.exportPublic(fpr(bob.publicKey)) });
    expect(stored.subkeys).toHaveLength(2);
    expect(await h.kr.list()).toHaveLength(1);
    await expect(h.kr.encryptionKeys([fpr(bob.publicKey)])).rejects.toMatchObject({ code: 'revoked' });
  });

  it('holds back a key change until it is confirmed', async () => {
    const h = harness();
    await h.kr.importPublic(bob.publicKey.armor());
    const before = snapshot(h);
    const r = await h.kr.importPublic(bob2.publicKey.armor() + carol.publicKey.armor());
    const change = { email: 'bob@example.org', oldFingerprint: fpr(bob.publicKey), newFingerprint: fpr(bob2.publicKey) };
    expect(r.keyChanges).toEqual([{ ...change, confirmed: false }]);
    expect(r.skipped.map((k) => k.fingerprint)).toEqual([fpr(bob2.publicKey)]);
    expect(r.imported.map((k) => k.email)).toEqual(['carol@example.org']);
    expect(snapshot(h)).not.toBe(before);
    expect((await h.kr.list()).map((k) => k.fingerprint)).not.toContain(fpr(bob2.publicKey));

    const ok = await h.kr.importPublic(bob2.publicKey.armor(), { confirmKeyChange: [formatFingerprint(fpr(bob2.publicKey))] });
    expect(ok.keyChanges).toEqual([{ ...change, confirmed: true }]);
    expect(ok.imported.map((k) => k.fingerprint)).toEqual([fpr(bob2.publicKey)]);
  });

  it('sets verified, deletes, and reports unknown fingerprints', async () => {
    const h = harness();
    await h.kr.importPublic(carol.publicKey.armor());
    await h.kr.setVerified(fpr(carol.publicKey).toLowerCase(), true);
    expect((await h.kr.list())[0]!.verified).toBe(true);
    await expect(h.kr.setDefault(fpr(carol.publicKey))).rejects.toMatchObject({ code: 'not-own' });
    await expect(h.kr.exportPrivate(fpr(carol.publicKey))).rejects.toMatchObject({ code: 'not-own' });
    await h.kr.delete(fpr(carol.publicKey));
    expect(await h.kr.list()).toEqual([]);
    for (const p of [h.kr.delete('AB'.repeat(20)), h.kr.exportPublic('AB'.repeat(20)), h.kr.encryptionKeys(['AB'.repeat(20)])]) {
      await expect(p).rejects.toSatisfy((e: unknown) => isKeyringError(e, 'not-found'));
    }
  });

  it('accepts a key made on a device whose clock runs ahead', async () => {
    const h = harness();
    const { publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Skew', email: 'skew@example.org' }], date: new Date(Date.now() + 600_000), format: 'object' });
    expect((await h.kr.importPublic(publicKey.armor())).imported).toHaveLength(1);
  });

  it('shows expired keys as expired and refuses them for encryption', async () => {
    const h = harness();
    const { imported: [k] } = await h.kr.importPublic(fixture('gpg-expired.pub.asc'));
    expect(k).toMatchObject({ status: 'expired', expires: '2020-01-02T00:00:00.000Z', email: 'expired@example.org' });
    await expect(h.kr.encryptionKeys([k!.fingerprint])).rejects.toMatchObject({ code: 'expired' });
    const { imported: [noEnc] } = await h.kr.importPublic(fixture('gpg-dsa-elgamal.pub.asc'));
    await expect(h.kr.encryptionKeys([noEnc!.fingerprint])).rejects.toMatchObject({ code: 'no-encryption-key' });
  });
});

describe('backup', () => {
  it('restores the whole keyring exactly', async () => {
    const h = harness();
    const me = await h.kr.generate({ name: 'Me', email: 'me@example.org', passphrase: 'pw' });
    const other = await h.kr.generate({ name: 'Work', email: 'me@work.example', passphrase: 'pw2' });
    await h.kr.importPublic(bob.publicKey.armor() + carol.publicKey.armor());
    await h.kr.setVerified(fpr(carol.publicKey), true);
    await h.kr.setDefault(other.fingerprint);
    await h.kr.setSettings({ autoLockMinutes: 5 });
    const text = await h.kr.backup();
    const list: KeyInfo[] = await h.kr.list();

    const g = harness();
    g.clock.now = h.clock.now;
    await g.kr.importPublic(bob2.publicKey.armor());
    await g.kr.restore(text);
    expect(await g.kr.list()).toEqual(list);
    expect(await g.kr.backup()).toBe(text);
    expect(await g.kr.settings()).toEqual({ autoLockMinutes: 5 });
    expect([...g.local.data]).toEqual([...h.local.data]);
    expect(await g.kr.unlocked()).toEqual([]); // restored keys start locked
    await g.kr.unlock(me.fingerprint, 'pw');

    const before = snapshot(g);
    const doc = JSON.parse(text);
    for (const bad of [
      'not json', '{}', JSON.stringify({ ...doc, version: 2 }),
      JSON.stringify({ ...doc, keys: [{ ...doc.keys[0], armored: bob.publicKey.armor() }] }), // fingerprint mismatch
      JSON.stringify({ ...doc, keys: [{ ...doc.keys[2], own: true }] }), // public key claiming to be own
      JSON.stringify({ ...doc, keys: [...doc.keys, { ...doc.keys[0], fingerprint: 'XYZ' }] }),
      JSON.stringify({ ...doc, defaultKey: doc.keys[2].fingerprint }),
      JSON.stringify({ ...doc, keys: [{ ...doc.keys[0], own: true, armored: bob.privateKey.armor(), fingerprint: fpr(bob.privateKey) }] }), // unprotected
    ]) {
      await expect(g.kr.restore(bad)).rejects.toMatchObject({ code: 'bad-backup' });
    }
    expect(snapshot(g)).toBe(before);
  });
});

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}
