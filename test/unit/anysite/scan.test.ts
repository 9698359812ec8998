// @vitest-environment happy-dom
import { describe, expect, test } from 'vitest';
import { elementsWithCiphertext, findCiphertext, onlyCiphertext } from '../../../src/anysite/scan';
import { encodeWire } from '../../../src/wire';

const bytes = new Uint8Array(Array.from({ length: 900 }, (_, i) => (i * 7) % 256));
const parts = encodeWire('msg', bytes, 400, '0a1b2c3d');
const ARMORED = '-----BEGIN PGP MESSAGE-----\n\nwy4ECQMIjvrInhvTxJwAbkqXp+KWFdBcjoPn03jCdyspVi9qXBDbyGaP1lrM\n=abcd\n-----END PGP MESSAGE-----';

describe('findCiphertext', () => {
  test('groups the parts of one message written into one field, separated by spaces', () => {
    const found = findCiphertext(`Here: ${parts.join(' ')} — sent with Mantle`);
    expect(found).toEqual([{ id: '0a1b2c3d', wire: parts }]);
  });

  test('reads parts that a site wrapped, with invisible characters and line breaks', () => {
    const wrapped = parts.map((p) => p.replace(' M ', '\u200B M\n')).join('\n');
    expect(findCiphertext(wrapped)[0]?.wire.length).toBe(parts.length);
  });

  test('finds an armored block, and nothing in ordinary text', () => {
    expect(findCiphertext(`see below\n${ARMORED}\nthanks`)).toHaveLength(1);
    expect(findCiphertext('MNTL is our product name; 001/002 is a ratio')).toEqual([]);
  });

  test('a malformed part (bad base64 padding mid-message) is not taken for ciphertext', () => {
    expect(findCiphertext('MNTL1 M 0a1b2c3d 001/002 QUJD=')).toEqual([]);
  });

  test('onlyCiphertext: true for parts alone, false with other words around them', () => {
    expect(onlyCiphertext(`  ${parts.join(' ')}\n`)).toBe(true);
    expect(onlyCiphertext(`hi ${parts[0]}`)).toBe(false);
  });
});

describe('elementsWithCiphertext', () => {
  test('reports the innermost element, skipping editable fields and what the caller skips', () => {
    document.body.replaceChildren();
    const feed = document.createElement('ul');
    const li = document.createElement('li');
    const p = document.createElement('p');
    p.textContent = parts.join(' ');
    li.append(p);
    feed.append(li);
    const editor = document.createElement('div');
    editor.setAttribute('contenteditable', 'true');
    editor.textContent = parts.join(' ');
    const area = document.createElement('textarea');
    area.value = parts[0]!;
    const ours = document.createElement('div');
    ours.dataset.mantle = 'x';
    ours.textContent = parts[0]!;
    document.body.append(feed, editor, area, ours);
    expect(elementsWithCiphertext(document.body, (el) => (el as HTMLElement).dataset.mantle !== undefined)).toEqual([p]);
  });

  test('a part split across inline elements (linkified) is read from their common parent', () => {
    document.body.replaceChildren();
    const p = document.createElement('p');
    const a = document.createElement('a');
    p.append('MNTL', a);
    a.textContent = parts[0]!.slice(4);
    document.body.append(p);
    expect(elementsWithCiphertext(document.body)).toEqual([p]);
  });
});
