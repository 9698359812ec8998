/** The content script's guess of a message frame's height, from real OpenPGP.js ciphertext. */
import { describe, expect, it } from 'vitest';
import { detect } from '../../../extension/content/detect';
import { plaintextBytes, plaintextHeight } from '../../../extension/content/estimate';
import { encryptMessage } from '../../../src/crypto';
import { armor, encodeWire } from '../../../src/wire';
import { fixtureKeys } from '../crypto/helpers';

/** What the content script reads from bubbles: each part's payload length, as `detect` finds it. */
const payloads = (parts: string[]) => parts.map((p) => detect(p)!.payload);
const style = { color: 'rgb(5, 5, 5)', fontSize: '15px', fontFamily: 'system-ui', lineHeight: '20px', dark: false };

describe('plaintextHeight', () => {
  it('reads the plaintext length back from a 1:1 message in one part or many, within the few bytes its length fields grow by', async () => {
    const { alice, bob } = await fixtureKeys();
    for (const text of ['hi', 'x'.repeat(300), 'é'.repeat(700)]) {
      const binary = await encryptMessage({ text, encryptionKeys: [bob.toPublic(), alice.toPublic()], signingKey: alice });
      const bytes = new TextEncoder().encode(text).length;
      for (const maxChars of [18_000, 1_000, 300]) {
        expect(Math.abs(plaintextBytes(payloads(encodeWire('msg', binary, maxChars))) - bytes)).toBeLessThanOrEqual(8);
        // Sites break long words with invisible characters: the wire reader ignores them, so does the guess.
        const broken = encodeWire('msg', binary, maxChars).map((p) => p.replace(/(.{40})/g, '$1\u200b\u00ad'));
        expect(plaintextBytes(payloads(broken))).toBe(plaintextBytes(payloads(encodeWire('msg', binary, maxChars))));
      }
    }
  });

  it('gives a short message one line and the signature line, a long one more, never more than the ciphertext', async () => {
    const { alice, bob } = await fixtureKeys();
    const wire = async (text: string) =>
      payloads(encodeWire('msg', await encryptMessage({ text, encryptionKeys: [bob.toPublic(), alice.toPublic()], signingKey: alice }), 18_000));
    expect(plaintextHeight(await wire('see you at 8'), style, 300, 200)).toBe(42);
    const long = plaintextHeight(await wire('word '.repeat(120)), style, 300, 1_000);
    expect(long).toBeGreaterThanOrEqual(20 * 8 + 22);
    expect(plaintextHeight(await wire('word '.repeat(120)), style, 300, 100)).toBe(100);
    // A key share shows a form, an armored block its own frame: no guess.
    expect(plaintextHeight(payloads(encodeWire('key', alice.toPublic().write(), 18_000)), style, 300, 200)).toBe(200);
    expect(plaintextHeight(payloads([armor('msg', await encryptMessage({ text: 'hi', encryptionKeys: [bob.toPublic()], signingKey: alice }))]), style, 300, 200)).toBe(200);
    // `normal` line height: 1.2 em, and the signature line at its own 11 px.
    expect(plaintextHeight(await wire('ok'), { ...style, lineHeight: 'normal' }, 300, 200)).toBe(Math.ceil(18 + 13.2 + 2));
  });
});
