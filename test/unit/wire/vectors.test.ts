/** The committed test vectors of docs/wire-format.md decode exactly. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { decryptMessage } from '../../../src/crypto';
import { assembleWire, parseWire } from '../../../src/wire';

const dir = join(import.meta.dirname, '../../fixtures/keys');
const read = (f: string) => readFileSync(join(dir, f), 'utf8');
interface Vector { name: string; kind: 'msg' | 'key'; maxChars: number; plaintext?: string; fingerprint?: string; parts: string[] }
const vectors = JSON.parse(read('wire-vectors.json')) as { signer: string; messages: Vector[]; armored: { plaintext: string; text: string } };

async function keys() {
  return {
    bob: await openpgp.readPrivateKey({ armoredKey: read('wire-bob.sec.asc') }),
    alice: await openpgp.readKey({ armoredKey: read('wire-alice.pub.asc') }),
  };
}

describe('wire-format test vectors', () => {
  it.each(vectors.messages)('$name', async (v) => {
    expect(v.parts.every((p) => p.length <= v.maxChars && /^MNTL1 [MK] [0-9a-f]{8} \d{3}\/\d{3} [A-Za-z0-9+/]+=*$/.test(p))).toBe(true);
    expect(parseWire(v.parts[0]!)).toMatchObject({ kind: v.kind, index: 1, total: v.parts.length });
    const assembled = assembleWire([...v.parts].reverse());
    if (!('data' in assembled) || typeof assembled.data === 'string') throw new Error(JSON.stringify(assembled));
    const { bob, alice } = await keys();
    if (v.kind === 'key') {
      const key = await openpgp.readKey({ binaryKey: assembled.data });
      expect(key.isPrivate()).toBe(false);
      expect(key.getFingerprint().toUpperCase()).toBe(v.fingerprint);
      return;
    }
    const out = await decryptMessage({ data: assembled.data, decryptionKeys: [bob], verificationKeys: [alice] });
    expect(out).toEqual({ ok: true, text: v.plaintext, signature: { status: 'valid', signerFingerprint: vectors.signer, signerKeyId: vectors.signer.slice(-16) } });
  });

  it('GnuPG-style armored block with collapsed newlines', async () => {
    const block = parseWire(vectors.armored.text);
    if (!block || !('armored' in block)) throw new Error('not recognised');
    const { bob, alice } = await keys();
    const out = await decryptMessage({ data: block.armored, decryptionKeys: [bob], verificationKeys: [alice] });
    expect(out).toMatchObject({ ok: true, text: vectors.armored.plaintext, signature: { status: 'valid', signerFingerprint: vectors.signer } });
  });
});
