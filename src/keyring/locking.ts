import * as openpgp from 'openpgp';
import { KeyringBase } from './base';
import { KeyringError } from './errors';
import * as manage from './manage';
import { validateSettings } from './store';
import type { Settings } from './types';

/**
 * Unlocking and auto-lock. An unlocked key lives armored in the session area (so a restarted
 * service worker stays unlocked) and parsed in memory; lock() clears both.
 */
export class LockingKeyring extends KeyringBase {
  /** Parsed unlocked keys by fingerprint; the session area's armored copy is the truth. */
  private readonly decrypted = new Map<string, { armored: string; key: openpgp.PrivateKey }>();

  // ---- locking

  unlock(fpr: string, passphrase: string): Promise<void> {
    return this.exclusive(async () => {
      const { stored, key } = await this.getOwn(fpr);
      this.progress('unlock', 'decrypt');
      const decrypted = await manage.decrypt(key, passphrase);
      await this.store.setUnlocked({ ...await this.store.unlockedMap(), [stored.fingerprint]: decrypted.armor() });
      await this.store.setActivity(this.now().getTime());
      this.progress('unlock', 'done');
    });
  }

  lock(): Promise<void> {
    return this.exclusive(() => this.clearUnlocked());
  }

  /** Fingerprints of the own keys that are unlocked now. */
  async unlocked(): Promise<string[]> {
    return Object.keys(await this.unlockedKeys());
  }

  /** Records user activity; auto-lock counts idle time from the latest call. */
  async touch(): Promise<void> {
    await this.store.setActivity(this.now().getTime());
  }

  /** Called from an alarm: locks when idle for autoLockMinutes (0 = never). True if it locked. */
  lockIfIdle(): Promise<boolean> {
    return this.exclusive(async () => {
      const { settings } = await this.store.load();
      if (settings.autoLockMinutes === 0) return false;
      if (Object.keys(await this.store.unlockedMap()).length === 0) return false;
      const last = await this.store.activity();
      if (last === null) {
        // Unlocked without a recorded activity: the idle period starts now rather than in 1970.
        await this.store.setActivity(this.now().getTime());
        return false;
      }
      if (this.now().getTime() - last < settings.autoLockMinutes * 60_000) return false;
      await this.clearUnlocked();
      return true;
    });
  }

  async settings(): Promise<Settings> {
    return (await this.store.load()).settings;
  }

  setSettings(patch: Partial<Settings>): Promise<Settings> {
    return this.exclusive(async () => {
      const ring = await this.store.load();
      const settings = validateSettings({ ...ring.settings, ...patch });
      if (!settings) throw new KeyringError('invalid-input', 'settings');
      ring.settings = settings;
      await this.store.save(ring);
      return settings;
    });
  }

  /** Unlocked copies of own keys still in the keyring (a deleted or restored-away key is ignored). */
  protected async unlockedKeys(): Promise<Record<string, openpgp.PrivateKey>> {
    const ring = await this.store.load();
    const session = await this.store.unlockedMap();
    const out: Record<string, openpgp.PrivateKey> = {};
    for (const fpr of this.decrypted.keys()) if (!(fpr in session)) this.decrypted.delete(fpr);
    for (const [fpr, armored] of Object.entries(session)) {
      if (!ring.keys.some((k) => k.own && k.fingerprint === fpr)) continue;
      let hit = this.decrypted.get(fpr);
      if (hit?.armored !== armored) {
        hit = { armored, key: await openpgp.readPrivateKey({ armoredKey: armored }) };
        this.decrypted.set(fpr, hit);
      }
      out[fpr] = hit.key;
    }
    return out;
  }

  protected async clearUnlocked(): Promise<void> {
    this.decrypted.clear();
    await this.store.clearSession();
  }
}
