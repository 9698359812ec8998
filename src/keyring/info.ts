import * as openpgp from 'openpgp';
import { algorithmWarnings } from './parse';
import type { KeyInfo, KeyStatus } from './types';

export function fingerprintOf(key: openpgp.Key): string {
  return key.getFingerprint().toUpperCase();
}

/** "ABCD1234..." → "ABCD 1234 ..." for reading aloud and comparing side by side. */
/** The key the user sends with: the default own key, else any own key. */
export function ownKeyOf<K extends { own: boolean; isDefault: boolean }>(keys: K[]): K | null {
  return keys.find((k) => k.own && k.isDefault) ?? keys.find((k) => k.own) ?? null;
}

export function formatFingerprint(fpr: string): string {
  return normalizeHex(fpr).replace(/(.{4})(?=.)/g, '$1 ');
}

/** Accepts spaces, a 0x prefix and lowercase, as people paste them. */
export function normalizeHex(s: string): string {
  return s.replace(/\s+/g, '').replace(/^0x/i, '').toUpperCase();
}

const NAMES: Record<string, string> = {
  eddsaLegacy: 'Ed25519', ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'Curve25519', x448: 'X448',
  dsa: 'DSA', elgamal: 'ElGamal', ecdsa: 'ECDSA', ecdh: 'ECDH',
  rsaEncryptSign: 'RSA', rsaEncrypt: 'RSA', rsaSign: 'RSA',
};
const CURVES: Record<string, string> = {
  curve25519Legacy: 'Curve25519', ed25519Legacy: 'Ed25519', nistP256: 'P-256', nistP384: 'P-384',
  nistP521: 'P-521', brainpoolP256r1: 'Brainpool P-256', brainpoolP384r1: 'Brainpool P-384',
  brainpoolP512r1: 'Brainpool P-512', secp256k1: 'secp256k1',
};

function algorithmName(k: openpgp.Key | openpgp.Subkey): string {
  const { algorithm, bits, curve } = k.getAlgorithmInfo();
  if (curve === 'curve25519Legacy' || curve === 'ed25519Legacy') return CURVES[curve]!;
  const name = NAMES[algorithm] ?? String(algorithm);
  if (curve) return `${name} ${CURVES[curve] ?? curve}`;
  return bits ? `${name} ${bits}` : name;
}

/** The primary key's algorithm, then each different subkey algorithm: "Ed25519 / Curve25519". */
export function describeAlgorithms(key: openpgp.Key): string {
  const names: string[] = [];
  for (const k of [key, ...key.subkeys]) {
    const n = algorithmName(k);
    if (!names.includes(n)) names.push(n);
  }
  return names.join(' / ');
}

export async function keyStatus(key: openpgp.Key, now: Date): Promise<KeyStatus> {
  try {
    await key.verifyPrimaryKey(now);
    return 'valid';
  } catch {
    if (await key.isRevoked(undefined, undefined, now)) return 'revoked';
    const exp = await expiry(key);
    if (exp && exp.getTime() <= now.getTime()) return 'expired';
    return 'invalid';
  }
}

/**
 * True when no valid self-signature exists at any time: a tampered or broken key. A key that is
 * only "invalid" now because of clock skew (created seconds in our future) is not broken.
 */
export async function isBroken(key: openpgp.Key, now: Date): Promise<boolean> {
  if ((await keyStatus(key, now)) !== 'invalid') return false;
  try {
    await key.verifyPrimaryKey(null as unknown as Date);
    return false;
  } catch {
    return true;
  }
}

async function expiry(key: openpgp.Key): Promise<Date | null> {
  try {
    const t = await key.getExpirationTime();
    return t instanceof Date ? t : null;
  } catch {
    return null;
  }
}

async function primaryUserId(key: openpgp.Key): Promise<openpgp.UserIDPacket | null> {
  try {
    // A null date asks openpgp to ignore time, so expired keys still show their primary identity.
    const { user } = await key.getPrimaryUser(null as unknown as Date);
    if (user.userID) return user.userID;
  } catch { /* fall through to the first user ID */ }
  return key.users.find((u) => u.userID)?.userID ?? null;
}

/**
 * Name and email of a user ID. openpgp's RFC 5322 parser gives up on odd names (quotes, angle
 * brackets, HTML), so the conventional "Name <email>" shape is matched as a fallback.
 */
export function splitUserId(u: openpgp.UserIDPacket): { name: string; email: string } {
  if (u.email) return { name: u.name, email: u.email };
  const m = /^(.*?)\s*<([^<>\s@]+@[^<>\s@]+)>$/.exec(u.userID.trim());
  if (m) return { name: m[1]!, email: m[2]! };
  return { name: u.userID, email: '' };
}

export function emailsOf(key: openpgp.Key): string[] {
  const out = new Set<string>();
  for (const u of key.users) {
    const email = u.userID ? splitUserId(u.userID).email : '';
    if (email) out.add(email.trim().toLowerCase());
  }
  return [...out];
}

async function canEncrypt(key: openpgp.Key, now: Date): Promise<boolean> {
  try {
    await key.getEncryptionKey(undefined, now);
    return true;
  } catch {
    return false;
  }
}

export interface KeyMeta { own: boolean; verified: boolean; isDefault: boolean }

export async function keyInfo(key: openpgp.Key, meta: KeyMeta, now: Date): Promise<KeyInfo> {
  const packet = await primaryUserId(key);
  const uid = packet ? splitUserId(packet) : { name: '', email: '' };
  const exp = await expiry(key);
  return {
    fingerprint: fingerprintOf(key),
    keyId: key.getKeyID().toHex().toUpperCase(),
    userIds: key.getUserIDs(),
    name: uid.name,
    email: uid.email,
    algorithm: describeAlgorithms(key),
    created: key.getCreationTime().toISOString(),
    expires: exp ? exp.toISOString() : null,
    status: await keyStatus(key, now),
    verified: meta.verified,
    own: meta.own,
    isDefault: meta.isDefault,
    hasEncryption: await canEncrypt(key, now),
    warnings: algorithmWarnings(key),
  };
}
