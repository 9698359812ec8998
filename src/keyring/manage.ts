import * as openpgp from 'openpgp';
import { KeyringError } from './errors';
import { isFullyEncrypted } from './parse';

export const DEFAULT_EXPIRY_DAYS = 730;
const DAY = 86_400;

function checkDays(days: number): void {
  if (!Number.isInteger(days) || days < 0 || days > 100 * 365) throw new KeyringError('invalid-input', `days ${days}`);
}

function checkPassphrase(p: string): void {
  if (typeof p !== 'string' || p.length === 0) throw new KeyringError('empty-passphrase');
}

/**
 * Returns the new key unprotected (the caller protects it for storage and keeps this copy as the
 * unlocked one, saving a slow S2K round). v4 Ed25519 signing primary with a Curve25519 encryption subkey. These are the "legacy"
 * curve25519 algorithms (EdDSA 22 / ECDH 18): openpgp's type 'curve25519' would make RFC 9580
 * Ed25519/X25519 (27/25), which GnuPG 2.2 and 2.4 refuse to import.
 */
export async function generate(o: { name: string; email?: string; passphrase: string; expiresInDays?: number; date: Date }): Promise<openpgp.PrivateKey> {
  const name = o.name.trim();
  const email = o.email?.trim() ?? '';
  if (!name) throw new KeyringError('invalid-input', 'name');
  if (email && !/^[^\s@<>]+@[^\s@<>]+$/.test(email)) throw new KeyringError('invalid-input', 'email');
  checkPassphrase(o.passphrase);
  const days = o.expiresInDays ?? DEFAULT_EXPIRY_DAYS;
  checkDays(days);
  const { privateKey } = await openpgp.generateKey({
    type: 'ecc',
    curve: 'curve25519Legacy',
    userIDs: [email ? { name, email } : { name }],
    keyExpirationTime: days * DAY,
    date: o.date,
    format: 'object',
    config: { v6Keys: false },
  });
  return privateKey;
}

export async function decrypt(key: openpgp.PrivateKey, passphrase: string): Promise<openpgp.PrivateKey> {
  if (key.isDecrypted() && !isFullyEncrypted(key)) return key;
  try {
    return await openpgp.decryptKey({ privateKey: key, passphrase });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    if (/passphrase|checksum|decrypt/i.test(msg)) throw new KeyringError('wrong-passphrase');
    throw new KeyringError('unsupported', msg);
  }
}

export async function protect(key: openpgp.PrivateKey, passphrase: string): Promise<openpgp.PrivateKey> {
  checkPassphrase(passphrase);
  return openpgp.encryptKey({ privateKey: key, passphrase });
}

/** Drops subkeys that arrived without secret material when public data was merged into a private key. */
export function keepSecretSubkeys(key: openpgp.PrivateKey): openpgp.PrivateKey {
  key.subkeys = key.subkeys.filter((s) => s.keyPacket instanceof openpgp.SecretSubkeyPacket);
  return key;
}

/** Merges source into target; for a private target, public-only subkeys are left out. */
export async function merge<K extends openpgp.Key>(target: K, source: openpgp.Key, date: Date): Promise<K> {
  const merged = (await target.update(source, date)) as K;
  if (merged.isPrivate()) keepSecretSubkeys(merged);
  return merged;
}

/**
 * New self-signatures with the new lifetime (counted from the key's creation, as OpenPGP does),
 * merged into the existing key so that third-party certifications and revocations survive.
 */
export async function extendExpiry(decrypted: openpgp.PrivateKey, days: number, date: Date): Promise<openpgp.PrivateKey> {
  checkDays(days);
  const lifetime = days === 0 ? 0 : Math.ceil((date.getTime() - decrypted.getCreationTime().getTime()) / 1000) + days * DAY;
  const userIDs = decrypted.users.flatMap((u) => (u.userID ? [{ name: u.userID.name, email: u.userID.email, comment: u.userID.comment }] : []));
  // Self-signatures are dated in whole seconds; a second later makes the new ones the latest.
  const sigDate = new Date(Math.max(date.getTime(), latestSelfSig(decrypted) + 1000));
  const { privateKey } = await openpgp.reformatKey({
    privateKey: decrypted, userIDs, keyExpirationTime: lifetime, date: sigDate, format: 'object',
  });
  return merge(decrypted, privateKey, sigDate);
}

function latestSelfSig(key: openpgp.Key): number {
  let t = 0;
  for (const u of key.users) for (const s of u.selfCertifications) t = Math.max(t, s.created?.getTime() ?? 0);
  for (const sk of key.subkeys) for (const s of sk.bindingSignatures) t = Math.max(t, s.created?.getTime() ?? 0);
  return t;
}

export const REVOCATION_REASONS = ['no-reason', 'superseded', 'compromised', 'retired'] as const;
export type RevocationReason = (typeof REVOCATION_REASONS)[number];
const FLAGS: Record<RevocationReason, openpgp.enums.reasonForRevocation> = {
  'no-reason': openpgp.enums.reasonForRevocation.noReason,
  superseded: openpgp.enums.reasonForRevocation.keySuperseded,
  compromised: openpgp.enums.reasonForRevocation.keyCompromised,
  retired: openpgp.enums.reasonForRevocation.keyRetired,
};

export async function revoke(decrypted: openpgp.PrivateKey, date: Date, reason: RevocationReason = 'no-reason', text = ''): Promise<{ key: openpgp.PrivateKey; certificate: string }> {
  const { privateKey } = await openpgp.revokeKey({
    key: decrypted, reasonForRevocation: { flag: FLAGS[reason], string: text }, date, format: 'object',
  });
  const certificate = await privateKey.getRevocationCertificate(date);
  if (typeof certificate !== 'string') throw new KeyringError('invalid', 'no revocation certificate');
  return { key: privateKey, certificate };
}
