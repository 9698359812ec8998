import * as openpgp from 'openpgp';
import { asArmorText, checkSize, splitArmor, type KeyInput } from './armor';
import { KeyringError } from './errors';
import type { KeyWarning } from './types';

export type Expect = 'public' | 'private' | 'any';

/**
 * Reads every key in the input (armored blocks or binary packets), refusing the whole input
 * on the first problem so that callers can validate everything before writing anything.
 */
export async function parseKeys(input: KeyInput, expect: Expect): Promise<openpgp.Key[]> {
  checkSize(input);
  const text = asArmorText(input);
  let keys: openpgp.Key[] = [];
  if (text !== null) {
    if (!text.includes('-----BEGIN PGP')) throw new KeyringError('not-a-key', 'no armor');
    for (const block of splitArmor(text)) {
      if (expect === 'public' && block.type === 'PRIVATE') throw new KeyringError('expected-public');
      keys.push(...await read(() => openpgp.readKeys({ armoredKeys: block.text })));
    }
  } else {
    keys = await read(() => openpgp.readKeys({ binaryKeys: input as Uint8Array }));
  }
  if (keys.length === 0) throw new KeyringError('not-a-key', 'no keys');
  for (const key of keys) {
    if (expect === 'public' && key.isPrivate()) throw new KeyringError('expected-public');
    if (expect === 'private' && !key.isPrivate()) throw new KeyringError('expected-private');
    checkAlgorithms(key);
  }
  return keys;
}

async function read(fn: () => Promise<openpgp.Key[]>): Promise<openpgp.Key[]> {
  try {
    return await fn();
  } catch (e) {
    throw mapParseError(e);
  }
}

function mapParseError(e: unknown): KeyringError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/unexpected end|end of (packet|stream|data)|truncat/i.test(msg)) return new KeyringError('truncated', msg);
  if (/unknown|unsupported|not supported|version/i.test(msg)) return new KeyringError('unsupported', msg);
  return new KeyringError('not-a-key', msg);
}

const RSA = new Set(['rsaEncryptSign', 'rsaEncrypt', 'rsaSign']);
const OLD = new Set(['dsa', 'elgamal']);
export const MIN_RSA_BITS = 2048;
const GOOD_RSA_BITS = 3072;

/** Throws 'weak-key' for RSA under 2048 bits in the primary key or any subkey. */
export function checkAlgorithms(key: openpgp.Key): void {
  for (const k of [key, ...key.subkeys]) {
    const { algorithm, bits } = k.getAlgorithmInfo();
    if (RSA.has(algorithm) && (bits ?? 0) < MIN_RSA_BITS) {
      throw new KeyringError('weak-key', `${key.getFingerprint().toUpperCase()}: RSA ${bits ?? '?'}`);
    }
  }
}

export function algorithmWarnings(key: openpgp.Key): KeyWarning[] {
  const old = [key, ...key.subkeys].some((k) => {
    const { algorithm, bits } = k.getAlgorithmInfo();
    return OLD.has(algorithm) || (RSA.has(algorithm) && (bits ?? 0) < GOOD_RSA_BITS);
  });
  return old ? ['old-algorithm'] : [];
}

/** Private keys must be stored protected: every secret key packet (not stubs) encrypted. */
export function isFullyEncrypted(key: openpgp.PrivateKey): boolean {
  return key.getKeys().every(({ keyPacket }) => {
    const p = keyPacket as openpgp.SecretKeyPacket;
    return typeof p.isDummy !== 'function' || p.isDummy() || !p.isDecrypted();
  });
}
