/**
 * Encrypt-and-sign and decrypt-and-verify with openpgp.js, for v4 keys. decryptMessage never
 * throws: every failure is classified so the bubble can show a clear state.
 */
import * as openpgp from 'openpgp';
import type { PartialConfig, PrivateKey, PublicKey } from 'openpgp';
import { parseWire, recipientKeyIds } from '../wire';

export type SignatureStatus = 'valid' | 'invalid' | 'unknown-signer' | 'unsigned';
export type DecryptError = 'not-for-you' | 'damaged' | 'no-integrity' | 'too-large' | 'locked' | 'unsupported';

export type Decrypted =
  | { ok: true; text: string; signature: { status: SignatureStatus; signerFingerprint?: string; signerKeyId?: string } }
  | { ok: false; error: DecryptError };

/** Default bound on a message's size, in bytes of input and of decompressed content. */
export const MAX_MESSAGE_BYTES = 12 * 1024 * 1024;

const WILDCARD = '0000000000000000';

/** Saves ~70 bytes per message: the salt notation only guards against fault attacks on signers. */
const ENCRYPT_CONFIG: PartialConfig = { nonDeterministicSignaturesViaNotation: false };

function decryptConfig(maxBytes: number): PartialConfig {
  return {
    allowUnauthenticatedMessages: false, // the default, restated: SED packets must be refused
    allowUnauthenticatedStream: false,
    enforceGrammar: true,
    maxDecompressedMessageSize: maxBytes,
  };
}

export async function encryptMessage(o: { text: string; encryptionKeys: PublicKey[]; signingKey: PrivateKey }): Promise<Uint8Array> {
  const message = await openpgp.createMessage({ text: o.text });
  return openpgp.encrypt({ message, encryptionKeys: o.encryptionKeys, signingKeys: o.signingKey, format: 'binary', config: ENCRYPT_CONFIG });
}

/**
 * Seals a draft for the user's own key only, unsigned (a draft needs no proof of authorship and
 * sealing it must work while the key is locked): openDraft reads it back with decryptMessage.
 */
export async function sealDraft(text: string, ownKey: PublicKey): Promise<string> {
  const message = await openpgp.createMessage({ text });
  return openpgp.encrypt({ message, encryptionKeys: ownKey, format: 'armored', config: ENCRYPT_CONFIG });
}

/** Key ids (16 uppercase hex) a binary or armored message is encrypted to; [] if unreadable. */
export function encryptedTo(data: Uint8Array | string): string[] {
  if (typeof data !== 'string') return recipientKeyIds(data);
  const block = parseWire(data);
  return block && 'armored' in block && block.kind === 'msg' ? recipientKeyIds(block.binary) : [];
}

export async function decryptMessage(o: {
  data: Uint8Array | string;
  decryptionKeys: PrivateKey[];
  verificationKeys: PublicKey[];
  maxBytes?: number;
}): Promise<Decrypted> {
  const maxBytes = o.maxBytes ?? MAX_MESSAGE_BYTES;
  try {
    const size = typeof o.data === 'string' ? o.data.length : o.data.byteLength;
    if (size > maxBytes) return fail('too-large');
    const config = decryptConfig(maxBytes);
    const message = typeof o.data === 'string'
      ? await openpgp.readMessage({ armoredMessage: o.data, config })
      : await openpgp.readMessage({ binaryMessage: o.data, config });

    const tags = message.packets.map((p) => (p.constructor as { tag?: number }).tag);
    if (tags.includes(openpgp.enums.packet.symmetricallyEncryptedData)) return fail('no-integrity');
    const encrypted = tags.some((t) => t === openpgp.enums.packet.symEncryptedIntegrityProtectedData || t === openpgp.enums.packet.aeadEncryptedData);
    const ids = message.getEncryptionKeyIDs();
    if (!encrypted || !ids.length) return fail('unsupported'); // plaintext, or password-only

    const candidates = o.decryptionKeys.filter((k) => subkeysFor(k, ids).length > 0);
    if (!candidates.length) return fail('not-for-you');
    const usable = candidates.filter((k) => subkeysFor(k, ids).some((s) => s.keyPacket.isDecrypted() !== false));
    if (!usable.length) return fail('locked');

    const full = { ...openpgp.config, ...config };
    const decrypted = (await message.decrypt(usable, undefined, undefined, undefined, full)).unwrapCompressed();
    const literal = decrypted.packets.findPacket(openpgp.enums.packet.literalData) as openpgp.LiteralDataPacket | undefined;
    const text = decrypted.getText();
    if (!literal || typeof text !== 'string') return fail('damaged');
    // With no keys this only lists the signatures (and checks the grammar): no verification yet.
    const listed = await decrypted.verify([], undefined, full);
    for (const v of listed) v.verified.catch(() => {});
    return { ok: true, text, signature: await signatureOf(literal, listed, o.verificationKeys, config) };
  } catch (e) {
    return fail(classify(e));
  }
}

function fail(error: DecryptError): Decrypted {
  return { ok: false, error };
}

/** The key's primary or subkeys a message is addressed to (all of them for an anonymous recipient). */
function subkeysFor(key: PrivateKey, ids: openpgp.KeyID[]) {
  if (ids.some((id) => id.toHex() === WILDCARD)) return key.getKeys();
  return ids.flatMap((id) => key.getKeys(id));
}

type Listed = Awaited<ReturnType<openpgp.Message<Uint8Array>['verify']>>[number];

/** A hostile message can carry thousands of signatures, each costing a verification. */
const MAX_SIGNATURES = 4;

/**
 * Verifies at most MAX_SIGNATURES signatures, each against the literal data as a detached
 * signature (the same hash as inline), rather than letting openpgp verify every one.
 */
async function signatureOf(literal: openpgp.LiteralDataPacket, listed: Listed[], keys: PublicKey[], config: PartialConfig): Promise<Extract<Decrypted, { ok: true }>['signature']> {
  if (!listed.length) return { status: 'unsigned' };
  const results = [];
  for (const item of listed.slice(0, MAX_SIGNATURES)) {
    const signerKeyId = item.keyID.toHex().toUpperCase();
    const key = keys.find((k) => k.getKeys(item.keyID).length > 0);
    if (!key) {
      results.push({ status: 'unknown-signer' as const, signerKeyId });
      continue;
    }
    const verification = await openpgp.verify({
      message: new openpgp.Message(packetList(literal)),
      signature: await item.signature,
      verificationKeys: [key],
      config,
    });
    const valid = await verification.signatures[0]?.verified.then(() => true, () => false);
    results.push({ status: valid ? 'valid' as const : 'invalid' as const, signerKeyId, signerFingerprint: key.getFingerprint().toUpperCase() });
  }
  return results.find((r) => r.status === 'valid') ?? results.find((r) => r.status === 'invalid') ?? results[0]!;
}

function packetList<T extends openpgp.AnyPacket>(...packets: T[]): openpgp.PacketList<T> {
  const list = new openpgp.PacketList<T>();
  list.push(...packets);
  return list;
}

/** openpgp reports failures as plain Errors; their messages are the only discriminator. */
function classify(e: unknown): DecryptError {
  const msg = e instanceof Error ? e.message : String(e);
  if (/decompressed message size exceeded/i.test(msg)) return 'too-large';
  if (/not authenticated|missing MDC|unauthenticated/i.test(msg)) return 'no-integrity';
  if (/not decrypted|key is not decrypted/i.test(msg)) return 'locked';
  if (/unsupported|not supported|unknown (symmetric|aead|compression|hash|public key)|version \d+ .*not/i.test(msg)) return 'unsupported';
  return 'damaged';
}
