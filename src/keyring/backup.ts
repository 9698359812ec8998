import * as openpgp from 'openpgp';
import { KeyringError } from './errors';
import { fingerprintOf } from './info';
import { checkAlgorithms, isFullyEncrypted } from './parse';
import { validateKeyring } from './store';
import type { StoredKeyring } from './types';

const FORMAT = 'mantle-keyring-backup';
/** Backups hold whole keyrings, so they may be larger than a single pasted key. */
export const MAX_BACKUP_CHARS = 32 * 1024 * 1024;

/** A JSON document with every key (own keys still passphrase-protected), flags and settings. */
export function serializeBackup(ring: StoredKeyring, created: Date): string {
  const { keys, defaultKey, settings } = ring;
  return `${JSON.stringify({ format: FORMAT, version: 1, created: created.toISOString(), defaultKey, settings, keys }, null, 2)}\n`;
}

/** Parses and fully validates a backup before anything is replaced. */
export async function parseBackup(text: string): Promise<StoredKeyring> {
  if (typeof text !== 'string' || text.length > MAX_BACKUP_CHARS) throw new KeyringError('too-large');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeyringError('bad-backup', 'not JSON');
  }
  const d = doc as { format?: unknown; version?: unknown };
  if (!doc || typeof doc !== 'object' || d.format !== FORMAT) throw new KeyringError('bad-backup', 'not a Mantle backup');
  if (d.version !== 1) throw new KeyringError('bad-backup', `version ${String(d.version)}`);
  const ring = validateKeyring(doc);
  if (!ring) throw new KeyringError('bad-backup', 'malformed');
  const seen = new Set<string>();
  for (const k of ring.keys) {
    if (seen.has(k.fingerprint)) throw new KeyringError('bad-backup', `duplicate ${k.fingerprint}`);
    seen.add(k.fingerprint);
    let key: openpgp.Key;
    try {
      key = await openpgp.readKey({ armoredKey: k.armored });
    } catch {
      throw new KeyringError('bad-backup', `unreadable key ${k.fingerprint}`);
    }
    if (fingerprintOf(key) !== k.fingerprint) throw new KeyringError('bad-backup', `fingerprint mismatch ${k.fingerprint}`);
    if (k.own !== key.isPrivate()) throw new KeyringError('bad-backup', `own flag mismatch ${k.fingerprint}`);
    if (key.isPrivate() && !isFullyEncrypted(key)) throw new KeyringError('bad-backup', `unprotected private key ${k.fingerprint}`);
    checkAlgorithms(key);
  }
  return ring;
}
