/** A key-value storage area: the background passes browser.storage.local and .session wrappers. */
export interface Area {
  get(key: string): Promise<unknown>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string): Promise<void>;
}

export type KeyStatus = 'valid' | 'expired' | 'revoked' | 'invalid';

/** Plain JSON, safe to hand to extension pages; user IDs are raw text and must be shown as text. */
export interface KeyInfo {
  fingerprint: string; // uppercase hex, no spaces
  keyId: string; // uppercase hex, 16 digits
  userIds: string[];
  name: string;
  email: string;
  algorithm: string; // e.g. "Ed25519 / Curve25519", "RSA 3072"
  created: string; // ISO
  expires: string | null; // ISO, null = never
  status: KeyStatus;
  verified: boolean;
  own: boolean;
  isDefault: boolean;
  hasEncryption: boolean;
  warnings: KeyWarning[];
}
export type KeyWarning = 'old-algorithm';

export interface KeyChange {
  email: string;
  oldFingerprint: string;
  newFingerprint: string;
  /** False: the new key was left out; import again with its fingerprint in confirmKeyChange. */
  confirmed: boolean;
}

export interface ImportReport {
  imported: KeyInfo[]; // new to the keyring
  updated: KeyInfo[]; // merged into an existing key, which gained signatures, subkeys or revocations
  unchanged: KeyInfo[]; // already present with nothing new
  skipped: KeyInfo[]; // key changes awaiting confirmation; not imported
  keyChanges: KeyChange[];
}

export type LookupSource = 'wkd-advanced' | 'wkd-direct' | 'vks';
export interface LookupResult {
  key: KeyInfo;
  armored: string;
  source: LookupSource;
  /** The fingerprint is already in the keyring. */
  known: boolean;
}

export interface Settings {
  autoLockMinutes: number; // 0 = never
}
export const DEFAULT_SETTINGS: Readonly<Settings> = { autoLockMinutes: 30 };

export type ProgressOp =
  | 'generate' | 'import' | 'unlock' | 'change-passphrase' | 'extend-expiry' | 'revoke' | 'lookup' | 'restore';
export type ProgressPhase = 'start' | 'parse' | 'fetch' | 'decrypt' | 'encrypt' | 'sign' | 'store' | 'done';
export interface Progress {
  op: ProgressOp;
  phase: ProgressPhase;
  done?: number; // items finished so far, when the operation has several
  total?: number;
}

/** One key as persisted in the local area. Own keys are armored private keys, always passphrase-protected. */
export interface StoredKey {
  fingerprint: string;
  armored: string;
  own: boolean;
  verified: boolean;
}
export interface StoredKeyring {
  version: 1;
  keys: StoredKey[];
  defaultKey: string | null;
  settings: Settings;
}
