/** Keys and hand-built hostile messages for the crypto tests (real openpgp throughout). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, deflateRawSync } from 'node:zlib';
import * as openpgp from 'openpgp';

const keysDir = join(import.meta.dirname, '../../fixtures/keys');
export const fixture = (name: string) => readFileSync(join(keysDir, name), 'utf8');

export async function fixtureKeys() {
  const alice = await openpgp.readPrivateKey({ armoredKey: fixture('wire-alice.sec.asc') });
  const bob = await openpgp.readPrivateKey({ armoredKey: fixture('wire-bob.sec.asc') });
  return { alice, bob };
}

export async function newKey(name: string, type: 'legacy' | 'rfc9580' = 'legacy') {
  const userIDs = [{ name, email: `${name.toLowerCase()}@example.org` }];
  const opts = type === 'legacy' ? { type: 'ecc' as const, curve: 'curve25519Legacy' as const } : { type: 'curve25519' as const };
  return (await openpgp.generateKey({ ...opts, userIDs, format: 'object', config: { v6Keys: false } })).privateKey;
}

/** Encrypts an already-built packet list (e.g. a crafted compressed packet) to `to`. */
export async function encryptPackets(packets: openpgp.PacketList<openpgp.AnyPacket>, to: openpgp.PublicKey[]): Promise<Uint8Array> {
  const message = new openpgp.Message(packets);
  return openpgp.encrypt({ message, encryptionKeys: to, format: 'binary', config: { preferredCompressionAlgorithm: openpgp.enums.compression.uncompressed } });
}

/**
 * A compressed packet (ZIP, i.e. raw deflate) holding a literal packet of `mib` MiB of zeros,
 * built from one sync-flushed 1 MiB deflate segment repeated: ~1 KiB per MiB, so a 1 GiB bomb is
 * ~1 MiB and takes milliseconds to build.
 */
export function compressionBomb(mib: number): openpgp.CompressedDataPacket {
  const size = mib * 1024 * 1024;
  // Literal packet header: new format tag 11, 5-octet length, format 'b', no filename, date 0.
  const literalHeader = Uint8Array.of(0xcb, 0xff, ...u32(size + 6), 0x62, 0, 0, 0, 0, 0);
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const segment = deflateRawSync(new Uint8Array(1024 * 1024), { ...flush, level: 9 });
  const finalEmptyBlock = Uint8Array.of(1, 0, 0, 0xff, 0xff);
  const packet = new openpgp.CompressedDataPacket() as unknown as { algorithm: number; compressed: Uint8Array };
  packet.algorithm = openpgp.enums.compression.zip;
  packet.compressed = concat([deflateRawSync(literalHeader, flush), ...Array<Uint8Array>(mib).fill(segment), finalEmptyBlock]);
  return packet as unknown as openpgp.CompressedDataPacket;
}

function symmetricId(name: string): number {
  return openpgp.enums.symmetric[name as keyof typeof openpgp.enums.symmetric];
}

function u32(n: number): number[] {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function packetList(...packets: openpgp.AnyPacket[]): openpgp.PacketList<openpgp.AnyPacket> {
  const list = new openpgp.PacketList<openpgp.AnyPacket>();
  list.push(...packets);
  return list;
}

export async function literal(text: string): Promise<openpgp.LiteralDataPacket> {
  const m = await openpgp.createMessage({ text });
  return m.packets[0] as openpgp.LiteralDataPacket;
}

/** A message with only a Symmetrically Encrypted Data packet (tag 9, no MDC) for `to`. */
export async function unprotectedMessage(text: string, to: openpgp.PublicKey): Promise<Uint8Array> {
  const sessionKey = await openpgp.generateSessionKey({ encryptionKeys: to, config: { aeadProtect: false } });
  const pkesk = await openpgp.encryptSessionKey({ ...sessionKey, encryptionKeys: to, format: 'binary' });
  const sed = new openpgp.SymmetricallyEncryptedDataPacket() as unknown as {
    packets: openpgp.PacketList<openpgp.AnyPacket>;
    encrypt(algo: number, key: Uint8Array): Promise<void>;
  };
  sed.packets = packetList(await literal(text));
  await sed.encrypt(symmetricId(sessionKey.algorithm), sessionKey.data);
  return concat([pkesk, packetList(sed as unknown as openpgp.AnyPacket).write() as Uint8Array]);
}

/** Encrypts arbitrary bytes as the contents of a SEIPD v1 packet (valid MDC) to `to`. */
export async function encryptRaw(inner: Uint8Array, to: openpgp.PublicKey): Promise<Uint8Array> {
  const sessionKey = await openpgp.generateSessionKey({ encryptionKeys: to, config: { aeadProtect: false } });
  const pkesk = await openpgp.encryptSessionKey({ ...sessionKey, encryptionKeys: to, format: 'binary' });
  const seipd = new openpgp.SymEncryptedIntegrityProtectedDataPacket() as unknown as {
    version: number;
    packets: { write(): Uint8Array };
    encrypt(algo: number, key: Uint8Array): Promise<void>;
  };
  seipd.version = 1;
  seipd.packets = { write: () => inner };
  await seipd.encrypt(symmetricId(sessionKey.algorithm), sessionKey.data);
  return concat([pkesk, packetList(seipd as unknown as openpgp.AnyPacket).write() as Uint8Array]);
}

/** `depth` compressed packets (algorithm 0, stored), each holding the next, around a literal. */
export function nestedCompression(depth: number): Uint8Array {
  let inner: Uint8Array = Uint8Array.of(0xcb, 10, 0x62, 0, 0, 0, 0, 0, 0x64, 0x65, 0x65, 0x70); // literal "deep"
  for (let i = 0; i < depth; i++) inner = concat([Uint8Array.of(0xc8, 0xff, ...u32(inner.length + 1), 0), inner]);
  return inner;
}
