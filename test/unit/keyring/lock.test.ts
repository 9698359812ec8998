import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import type { KeyInfo } from '../../../src/keyring';
import { decryptMessage } from '../../../src/crypto';
import { harness, snapshot, type Harness } from './helpers';

const MIN = 60_000;
const DAY = 86_400_000;
let h: Harness;
let me: KeyInfo;
beforeAll(async () => {
  h = harness();
  me = await h.kr.generate({ name: 'Me', email: 'me@example.org', passphrase: 'pw' });
});

async function roundTrip(kr: Harness['kr'], to: string[], date = new Date()): Promise<string> {
  const message = await openpgp.createMessage({ text: 'hello', date });
  const encrypted = await openpgp.encrypt({ message, encryptionKeys: await kr.encryptionKeys(to), signingKeys: await kr.signingKey(), date });
  const { data, signatures } = await openpgp.decrypt({
    date,
    message: await openpgp.readMessage({ armoredMessage: encrypted as string }),
    decryptionKeys: await kr.decryptionKeys(),
    verificationKeys: await kr.verificationKeys(),
    expectSigned: true,
  });
  await signatures[0]!.verified;
  return data as string;
}

describe('lock and unlock', () => {
  it('encrypts, signs, decrypts and verifies with an unlocked key', async () => {
    expect(await roundTrip(h.kr, [me.fingerprint])).toBe('hello');
  });

  it('stays unlocked across a service-worker restart, until lock()', async () => {
    const kr2 = h.restart();
    expect(await kr2.unlocked()).toEqual([me.fingerprint]);
    expect(await roundTrip(kr2, [me.fingerprint])).toBe('hello');
    await kr2.lock();
    expect(await h.kr.unlocked()).toEqual([]);
    expect(h.session.data.size).toBe(0);
    await expect(h.kr.signingKey()).rejects.toMatchObject({ code: 'locked' });
    expect(await h.kr.decryptionKeys()).toEqual([]);
  });

  it('offers the locked key so that a message for it reads "locked", not "not for you"', async () => {
    expect(await h.kr.unlocked()).toEqual([]);
    const locked = await h.kr.lockedKeys();
    expect(locked.map((k) => k.getFingerprint().toUpperCase())).toEqual([me.fingerprint]);
    expect(locked[0]!.isDecrypted()).toBe(false);
    const [key] = await h.kr.encryptionKeys([me.fingerprint]);
    const data = await openpgp.encrypt({ message: await openpgp.createMessage({ text: 'for me' }), encryptionKeys: key!, format: 'binary' });
    expect(await decryptMessage({ data, decryptionKeys: locked, verificationKeys: [] })).toEqual({ ok: false, error: 'locked' });
    expect(await decryptMessage({ data, decryptionKeys: await h.kr.decryptionKeys(), verificationKeys: [] })).toEqual({ ok: false, error: 'not-for-you' });
  });

  it('unlocks with the passphrase only, reporting progress', async () => {
    const before = snapshot(h);
    await expect(h.kr.unlock(me.fingerprint, 'nope')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    expect(snapshot(h)).toBe(before);
    h.progress.length = 0;
    await h.kr.unlock(me.fingerprint, 'pw');
    expect(h.progress).toEqual([{ op: 'unlock', phase: 'decrypt' }, { op: 'unlock', phase: 'done' }]);
    expect(await h.kr.unlocked()).toEqual([me.fingerprint]);
    expect((await h.kr.signingKey(me.fingerprint)).isDecrypted()).toBe(true);
  });

  it('auto-locks after the idle time, counted from the last touch()', async () => {
    const start = h.clock.now;
    await h.kr.touch();
    h.clock.now = new Date(start.getTime() + 29 * MIN);
    expect(await h.kr.lockIfIdle()).toBe(false);
    await h.kr.touch();
    h.clock.now = new Date(start.getTime() + 58 * MIN);
    expect(await h.restart().lockIfIdle()).toBe(false); // activity lives in the session area
    h.clock.now = new Date(start.getTime() + 60 * MIN);
    expect(await h.restart().lockIfIdle()).toBe(true);
    expect(await h.kr.unlocked()).toEqual([]);

    // Unlocked with no activity on record (e.g. storage written by an older version): idle starts now.
    await h.kr.unlock(me.fingerprint, 'pw');
    h.session.data.delete('mantle.keyring.activity');
    expect(await h.kr.lockIfIdle()).toBe(false);
    h.clock.now = new Date(h.clock.now.getTime() + 30 * MIN);
    expect(await h.kr.lockIfIdle()).toBe(true);

    await h.kr.setSettings({ autoLockMinutes: 0 });
    await h.kr.unlock(me.fingerprint, 'pw');
    h.clock.now = new Date(start.getTime() + 100 * DAY);
    expect(await h.kr.lockIfIdle()).toBe(false);
    await expect(h.kr.setSettings({ autoLockMinutes: -1 })).rejects.toMatchObject({ code: 'invalid-input' });
    await h.kr.setSettings({ autoLockMinutes: 30 });
    h.clock.now = start;
  });
});

describe('own key management', () => {
  it('changes the passphrase', async () => {
    const g = harness();
    const k = await g.kr.generate({ name: 'P', passphrase: 'old' });
    await expect(g.kr.changePassphrase(k.fingerprint, 'wrong', 'new')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await expect(g.kr.changePassphrase(k.fingerprint, 'old', '')).rejects.toMatchObject({ code: 'empty-passphrase' });
    await g.kr.changePassphrase(k.fingerprint, 'old', 'new');
    await g.kr.lock();
    await expect(g.kr.unlock(k.fingerprint, 'old')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    await g.kr.unlock(k.fingerprint, 'new');
  });

  it('extends the expiry of an expired key, which becomes usable again', async () => {
    const g = harness();
    const k = await g.kr.generate({ name: 'E', email: 'e@example.org', passphrase: 'pw', expiresInDays: 10 });
    g.clock.now = new Date(g.clock.now.getTime() + 20 * DAY);
    expect((await g.kr.list())[0]!.status).toBe('expired');
    await expect(g.kr.signingKey()).rejects.toMatchObject({ code: 'expired' });
    await expect(g.kr.encryptionKeys([k.fingerprint])).rejects.toMatchObject({ code: 'expired' });
    const info = await g.kr.extendExpiry(k.fingerprint, 'pw', 365);
    expect(info.status).toBe('valid');
    expect(Date.parse(info.expires!)).toBe(Math.ceil(g.clock.now.getTime() / 1000) * 1000 + 365 * DAY);
    expect(await roundTrip(g.kr, [k.fingerprint], g.clock.now)).toBe('hello'); // the unlocked copy was updated too
    expect((await g.kr.extendExpiry(k.fingerprint, 'pw', 0)).expires).toBeNull();
    expect((await g.restart().list())[0]!.status).toBe('valid');
  });

  it('revokes and returns a revocation certificate that revokes the public key elsewhere', async () => {
    const g = harness();
    const k = await g.kr.generate({ name: 'R', passphrase: 'pw' });
    const published = await g.kr.exportPublic(k.fingerprint);
    await expect(g.kr.revoke(k.fingerprint, 'bad')).rejects.toMatchObject({ code: 'wrong-passphrase' });
    const cert = await g.kr.revoke(k.fingerprint, 'pw', 'retired', 'moving on');
    expect(cert).toContain('BEGIN PGP PUBLIC KEY BLOCK');
    expect((await g.kr.list())[0]!.status).toBe('revoked');
    await expect(g.kr.signingKey()).rejects.toMatchObject({ code: 'revoked' });
    expect(await g.kr.decryptionKeys()).toHaveLength(1); // old messages stay readable
    const { publicKey } = await openpgp.revokeKey({ key: await openpgp.readKey({ armoredKey: published }), revocationCertificate: cert, format: 'object' });
    expect(await publicKey.isRevoked()).toBe(true);
  });

  it('imports an unprotected private key protected with the given passphrase, unlocked', async () => {
    const g = harness();
    const { privateKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'U', email: 'u@example.org' }], format: 'armored' });
    await expect(g.kr.importPrivate(privateKey, '')).rejects.toMatchObject({ code: 'empty-passphrase' });
    const r = await g.kr.importPrivate(privateKey, 'newpass');
    const k = r.imported[0]!;
    expect(k).toMatchObject({ own: true, isDefault: true });
    const stored = await openpgp.readPrivateKey({ armoredKey: await g.kr.exportPrivate(k.fingerprint) });
    expect(stored.isDecrypted()).toBe(false);
    await openpgp.decryptKey({ privateKey: stored, passphrase: 'newpass' });
    expect(await g.kr.unlocked()).toEqual([k.fingerprint]);
  });

  it('turns a contact into an own key when its private key is imported, and merges public updates into own keys', async () => {
    const g = harness();
    const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'C', email: 'c@example.org' }], passphrase: 'pw', format: 'object' });
    await g.kr.importPublic(publicKey.armor());
    const r = await g.kr.importPrivate(privateKey.armor(), 'pw');
    expect(r.updated[0]).toMatchObject({ own: true, isDefault: true });
    expect(await g.kr.list()).toHaveLength(1);
    // New self-signatures made elsewhere (here: no expiry any more) merge into the stored and unlocked copies.
    const decrypted = await openpgp.decryptKey({ privateKey, passphrase: 'pw' });
    const later = new Date(Date.now() + 2000);
    const { publicKey: renewed } = await openpgp.reformatKey({ privateKey: decrypted, userIDs: [{ name: 'C', email: 'c@example.org' }], date: later, format: 'object' });
    g.clock.now = later;
    const u = await g.kr.importPublic(renewed.armor());
    expect(u.updated[0]).toMatchObject({ own: true, expires: null });
    expect(await (await g.kr.signingKey()).getExpirationTime()).toBe(Infinity);
    expect(await roundTrip(g.kr, [u.updated[0]!.fingerprint], later)).toBe('hello');
    // A public-only subkey cannot join a private key: nothing changes, and the key still unlocks.
    const more = await decrypted.addSubkey({ type: 'ecc', curve: 'curve25519Legacy', date: later });
    expect((await g.kr.importPublic(more.toPublic().armor())).unchanged).toHaveLength(1);
    await g.kr.lock();
    await g.kr.unlock(u.updated[0]!.fingerprint, 'pw');
  });
});
