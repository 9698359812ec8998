import { KeyringError } from './errors';
import { DEFAULT_SETTINGS, type Area, type Settings, type StoredKey, type StoredKeyring } from './types';

const KEYRING = 'mantle.keyring';
const UNLOCKED = 'mantle.keyring.unlocked';
const ACTIVITY = 'mantle.keyring.activity';

export function emptyKeyring(): StoredKeyring {
  return { version: 1, keys: [], defaultKey: null, settings: { ...DEFAULT_SETTINGS } };
}

/**
 * Persistence layout. The whole keyring is one value in the local area so that every change is
 * a single write: a failure part-way can never leave half an import behind. The session area
 * holds decrypted keys (armored) and the time of the last activity.
 */
export class Store {
  constructor(private readonly local: Area, private readonly session: Area) {}

  async load(): Promise<StoredKeyring> {
    const raw = await this.local.get(KEYRING);
    if (raw === undefined || raw === null) return emptyKeyring();
    const ring = validateKeyring(raw);
    if (!ring) throw new KeyringError('bad-backup', 'stored keyring is corrupt');
    return ring;
  }

  async save(ring: StoredKeyring): Promise<void> {
    // A deep copy: Areas backed by memory must not alias objects the caller keeps mutating.
    await this.local.set(KEYRING, structuredClone(ring));
  }

  async unlockedMap(): Promise<Record<string, string>> {
    const raw = await this.session.get(UNLOCKED);
    return raw && typeof raw === 'object' ? { ...(raw as Record<string, string>) } : {};
  }

  async setUnlocked(map: Record<string, string>): Promise<void> {
    if (Object.keys(map).length === 0) await this.session.remove(UNLOCKED);
    else await this.session.set(UNLOCKED, map);
  }

  async activity(): Promise<number | null> {
    const v = await this.session.get(ACTIVITY);
    return typeof v === 'number' ? v : null;
  }

  async setActivity(ms: number): Promise<void> {
    await this.session.set(ACTIVITY, ms);
  }

  async clearSession(): Promise<void> {
    await this.session.remove(UNLOCKED);
    await this.session.remove(ACTIVITY);
  }
}

const FPR = /^[0-9A-F]{40}([0-9A-F]{24})?$/;

/** Shape check for what comes from storage or a backup file; returns a clean copy or null. */
export function validateKeyring(raw: unknown): StoredKeyring | null {
  if (!raw || typeof raw !== 'object') return null;
  const r = raw as Partial<StoredKeyring>;
  if (r.version !== 1 || !Array.isArray(r.keys)) return null;
  const keys: StoredKey[] = [];
  for (const k of r.keys as unknown[]) {
    if (!k || typeof k !== 'object') return null;
    const { fingerprint, armored, own, verified } = k as StoredKey;
    if (typeof fingerprint !== 'string' || !FPR.test(fingerprint) || typeof armored !== 'string') return null;
    if (typeof own !== 'boolean' || typeof verified !== 'boolean') return null;
    keys.push({ fingerprint, armored, own, verified });
  }
  const defaultKey = r.defaultKey ?? null;
  if (defaultKey !== null && !keys.some((k) => k.own && k.fingerprint === defaultKey)) return null;
  const settings = validateSettings({ ...DEFAULT_SETTINGS, ...(r.settings ?? {}) });
  if (!settings) return null;
  return { version: 1, keys, defaultKey, settings };
}

export function validateSettings(s: unknown): Settings | null {
  if (!s || typeof s !== 'object') return null;
  const { autoLockMinutes } = s as Settings;
  if (!Number.isInteger(autoLockMinutes) || autoLockMinutes < 0 || autoLockMinutes > 7 * 24 * 60) return null;
  return { autoLockMinutes };
}
