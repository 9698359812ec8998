import type * as openpgp from 'openpgp';
import { parseBackup, serializeBackup } from './backup';
import { LockingKeyring } from './locking';
import { KeyringError } from './errors';
import { fingerprintOf, keyStatus } from './info';
import * as manage from './manage';
import type { KeyInfo, StoredKeyring } from './types';

/**
 * The user's keys and contacts. Lives in the background only: private keys are stored
 * passphrase-protected, unlocked copies live in memory and the session area until lock().
 * Every change is validated completely, then written in one go.
 */
export class Keyring extends LockingKeyring {
  // ---- own keys

  /** Creates an own key (see manage.generate), stores it protected and leaves it unlocked. */
  generate(o: { name: string; email?: string; passphrase: string; expiresInDays?: number }): Promise<KeyInfo> {
    return this.exclusive(async () => {
      this.progress('generate', 'start');
      const decrypted = await manage.generate({ ...o, date: this.now() });
      this.progress('generate', 'encrypt');
      const protectedKey = await manage.protect(decrypted, o.passphrase);
      const ring = await this.store.load();
      const fpr = fingerprintOf(decrypted);
      ring.keys.push({ fingerprint: fpr, armored: protectedKey.armor(), own: true, verified: true });
      ring.defaultKey ??= fpr;
      this.progress('generate', 'store');
      await this.commit(ring, { [fpr]: decrypted.armor() });
      this.progress('generate', 'done');
      return this.info(ring, ring.keys[ring.keys.length - 1]!);
    });
  }

  setDefault(fpr: string): Promise<void> {
    return this.exclusive(async () => {
      const { ring, stored } = await this.getOwn(fpr);
      ring.defaultKey = stored.fingerprint;
      await this.store.save(ring);
    });
  }

  setVerified(fpr: string, verified: boolean): Promise<void> {
    return this.exclusive(async () => {
      const { ring, stored } = await this.get(fpr);
      stored.verified = verified;
      await this.store.save(ring);
    });
  }

  delete(fpr: string): Promise<void> {
    return this.exclusive(async () => {
      const { ring, stored } = await this.get(fpr);
      ring.keys = ring.keys.filter((k) => k !== stored);
      if (ring.defaultKey === stored.fingerprint) ring.defaultKey = ring.keys.find((k) => k.own)?.fingerprint ?? null;
      await this.commit(ring, { [stored.fingerprint]: null });
    });
  }

  changePassphrase(fpr: string, oldPassphrase: string, newPassphrase: string): Promise<void> {
    return this.exclusive(async () => {
      const { ring, stored, key } = await this.getOwn(fpr);
      this.progress('change-passphrase', 'decrypt');
      const decrypted = await manage.decrypt(key, oldPassphrase);
      this.progress('change-passphrase', 'encrypt');
      stored.armored = (await manage.protect(decrypted, newPassphrase)).armor();
      await this.store.save(ring);
      this.progress('change-passphrase', 'done');
    });
  }

  /** Sets the expiry to `days` from now (0 = never), on the primary key and its subkeys. */
  extendExpiry(fpr: string, passphrase: string, days: number): Promise<KeyInfo> {
    return this.exclusive(async () => {
      const { ring, stored, key } = await this.getOwn(fpr);
      this.progress('extend-expiry', 'decrypt');
      const decrypted = await manage.decrypt(key, passphrase);
      this.progress('extend-expiry', 'sign');
      const extended = await manage.extendExpiry(decrypted, days, this.now());
      await this.replaceOwn(ring, stored.fingerprint, extended, passphrase);
      this.progress('extend-expiry', 'done');
      return this.info(ring, stored);
    });
  }

  /** Revokes an own key and returns its armored revocation certificate for publishing. */
  revoke(fpr: string, passphrase: string, reason?: manage.RevocationReason, text?: string): Promise<string> {
    return this.exclusive(async () => {
      const { ring, stored, key } = await this.getOwn(fpr);
      this.progress('revoke', 'decrypt');
      const decrypted = await manage.decrypt(key, passphrase);
      this.progress('revoke', 'sign');
      const revoked = await manage.revoke(decrypted, this.now(), reason, text);
      await this.replaceOwn(ring, stored.fingerprint, revoked.key, passphrase);
      this.progress('revoke', 'done');
      return revoked.certificate;
    });
  }

  // ---- backup

  async backup(): Promise<string> {
    return serializeBackup(await this.store.load(), this.now());
  }

  /** Replaces the whole keyring with a backup's content (all validated first) and locks. */
  restore(text: string): Promise<void> {
    return this.exclusive(async () => {
      this.progress('restore', 'parse');
      const ring = await parseBackup(text);
      await this.store.save(ring);
      await this.clearUnlocked();
      this.progress('restore', 'done');
    });
  }

  // ---- for the crypto code in the background

  /** Public keys to encrypt to, refusing any that is unknown, expired, revoked or cannot encrypt. */
  async encryptionKeys(fprs: string[]): Promise<openpgp.PublicKey[]> {
    const now = this.now();
    return Promise.all(fprs.map(async (fpr) => {
      const { ring, stored, key } = await this.get(fpr);
      // From the remembered key details: checking them verifies signatures, on every send.
      const info = await this.info(ring, stored);
      if (info.status !== 'valid') throw new KeyringError(info.status, fingerprintOf(key));
      if (!info.hasEncryption) throw new KeyringError('no-encryption-key', fingerprintOf(key));
      return key.toPublic();
    }));
  }

  /** The unlocked own key to sign with: the given one or the default. */
  async signingKey(fpr?: string): Promise<openpgp.PrivateKey> {
    const ring = await this.store.load();
    const want = fpr ?? ring.defaultKey;
    if (!want) throw new KeyringError('no-default');
    const { key, stored } = await this.getOwn(want);
    const info = await this.info(ring, stored);
    if (info.status !== 'valid') throw new KeyringError(info.status, fingerprintOf(key));
    const decrypted = (await this.unlockedKeys())[fingerprintOf(key)];
    if (!decrypted) throw new KeyringError('locked', fingerprintOf(key));
    try {
      await decrypted.getSigningKey(undefined, this.now());
    } catch {
      throw new KeyringError('no-signing-key', fingerprintOf(key));
    }
    return decrypted;
  }

  /** Every unlocked own key, expired or revoked ones included: old messages must stay readable. */
  async decryptionKeys(): Promise<openpgp.PrivateKey[]> {
    return Object.values(await this.unlockedKeys());
  }

  /** What to decrypt with: the unlocked keys, then the locked ones (see lockedKeys). */
  async decryptionCandidates(): Promise<openpgp.PrivateKey[]> {
    return [...(await this.decryptionKeys()), ...(await this.lockedKeys())];
  }

  /**
   * Own keys not unlocked, as stored (their secret parts still encrypted). Offered to decryption
   * beside the unlocked ones, they make a message for them read "locked", not "not for you".
   */
  async lockedKeys(): Promise<openpgp.PrivateKey[]> {
    const ring = await this.store.load();
    const unlocked = await this.unlockedKeys();
    const own = ring.keys.filter((k) => k.own && !(k.fingerprint in unlocked));
    const keys = await Promise.all(own.map((k) => this.read(k.armored)));
    return keys.filter((k): k is openpgp.PrivateKey => k.isPrivate());
  }

  async verificationKeys(): Promise<openpgp.PublicKey[]> {
    const ring = await this.store.load();
    return Promise.all(ring.keys.map(async (k) => (await this.read(k.armored)).toPublic()));
  }

  // ---- internals

  private async usable(key: openpgp.Key, now: Date): Promise<void> {
    const status = await keyStatus(key, now);
    if (status !== 'valid') throw new KeyringError(status, fingerprintOf(key));
  }

  private async replaceOwn(ring: StoredKeyring, fpr: string, decrypted: openpgp.PrivateKey, passphrase: string): Promise<void> {
    const stored = ring.keys.find((k) => k.fingerprint === fpr)!;
    stored.armored = (await manage.protect(decrypted, passphrase)).armor();
    const unlocked = await this.store.unlockedMap();
    await this.commit(ring, fpr in unlocked ? { [fpr]: decrypted.armor() } : {});
  }

  /** Writes the keyring, then applies changes to the unlocked copies (null removes one). */
  private async commit(ring: StoredKeyring, unlocked: Record<string, string | null>): Promise<void> {
    await this.store.save(ring);
    const map = await this.store.unlockedMap();
    for (const [fpr, armored] of Object.entries(unlocked)) {
      if (armored === null) delete map[fpr];
      else map[fpr] = armored;
    }
    await this.store.setUnlocked(map);
    if (Object.values(unlocked).some((a) => a !== null)) await this.store.setActivity(this.now().getTime());
  }
}
