import { describe, expect, it } from 'vitest';
import { armor, assembleWire, encodeWire, HEADER_LENGTH, maxSinglePartBytes, parseWire, Reassembler, recipientKeyIds, walkPackets, type WirePart } from '../../../src/wire';

const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed * 17) & 0xff);
const part = (s: string) => {
  const p = parseWire(s);
  if (!p || 'error' in p || 'armored' in p) throw new Error(`not a part: ${JSON.stringify(p)}`);
  return p;
};

describe('encodeWire', () => {
  it('writes one line per part, within maxChars, with a fixed-width header and standard base64', () => {
    const parts = encodeWire('msg', bytes(5000), 768, '0123abcd');
    expect(parts.length).toBe(Math.ceil(Math.ceil(5000 / 3) * 4 / 740));
    for (const [i, p] of parts.entries()) {
      expect(p.length).toBeLessThanOrEqual(768);
      expect(p).toMatch(new RegExp(`^MNTL1 M 0123abcd ${String(i + 1).padStart(3, '0')}/${String(parts.length).padStart(3, '0')} [A-Za-z0-9+/]+=*$`));
      expect(p).not.toMatch(/[_*~`\n]/);
    }
    expect(parts[0]!.length).toBe(768 - 3); // payload rounded down to whole base64 quanta
  });

  it('always yields at least one part, and refuses impossible sizes', () => {
    expect(encodeWire('key', new Uint8Array(0), 1000)).toHaveLength(1);
    expect(() => encodeWire('msg', bytes(10), HEADER_LENGTH + 3)).toThrow(RangeError);
    expect(() => encodeWire('msg', bytes(1_000_000), 100)).toThrow(/999/);
    expect(() => encodeWire('msg', bytes(10), 1000, 'XYZ')).toThrow(RangeError);
  });

  it('gives random ids', () => {
    const ids = new Set(Array.from({ length: 50 }, () => part(encodeWire('msg', bytes(10), 1000)[0]!).id));
    expect(ids.size).toBe(50);
  });

  it('documents the per-part binary room', () => {
    expect(maxSinglePartBytes(1000)).toBe(729);
    expect(maxSinglePartBytes(768)).toBe(555);
    expect(maxSinglePartBytes(18000)).toBe(13479);
  });
});

describe('parseWire', () => {
  const [p1] = encodeWire('msg', bytes(300), 1000, 'deadbeef');
  const expected = { kind: 'msg', id: 'deadbeef', index: 1, total: 1 };

  it('round-trips, tolerating whitespace, NBSP, zero-width and bidi characters anywhere', () => {
    expect(part(p1!)).toMatchObject(expected);
    const mangled = `\n  ${p1!.slice(0, 7)}\u200B${p1!.slice(7, 30).replace(/ /g, '\u00A0')}\n${p1!.slice(30, 100)}\u200E\u2060${p1!.slice(100, 200).replace(/(.{10})/g, '$1\u00AD')} \r\n${p1!.slice(200)}\uFEFF\t`;
    expect(part(mangled)).toEqual(part(p1!));
    expect(part(p1!.replace(/ /g, ''))).toEqual(part(p1!)); // spaces dropped by a <br>-like render
  });

  it('returns null for ordinary chat text and other prefixes', () => {
    for (const t of ['', 'hello', 'MNTL is a word', 'mntl1 M deadbeef 001/001 AAAA', 'see MNTL1 M deadbeef 001/001 AAAA', 'MANTLE1 M deadbeef 001/001 AAAA'])
      expect(parseWire(t)).toBeNull();
  });

  it('types an unsupported version', () => {
    expect(parseWire(p1!.replace('MNTL1', 'MNTL2'))).toEqual({ error: 'unsupported-version', version: 2 });
    expect(parseWire('MNTL0 whatever')).toEqual({ error: 'unsupported-version', version: 0 });
  });

  it('types malformed headers', () => {
    for (const t of [
      p1!.replace(' M ', ' X '), p1!.replace('deadbeef', 'DEADBEEF'), p1!.replace('deadbeef', 'deadbee'),
      p1!.replace('001/001', '1/1'), p1!.replace('001/001', '002/001'), p1!.replace('001/001', '000/001'), 'MNTL1',
    ]) expect(parseWire(t), t).toEqual({ error: 'malformed' });
  });

  it('types truncated or corrupted base64', () => {
    const [a, b] = encodeWire('msg', bytes(1000), 400, '01234567');
    for (const t of [p1!.slice(0, -1), p1!.slice(0, -2), p1!.slice(0, HEADER_LENGTH), p1!.replace(/(.{60})./, '$1_'),
      p1!.replace(/(.{60})./, '$1-'), p1!.replace(/(.{60})./, '$1*'), `${p1}=`, a!.slice(0, -4) + 'AA==', b!.replace(/(.{60})./, '$1~')])
      expect(parseWire(t), t).toEqual({ error: 'bad-base64' });
  });
});

describe('Reassembler', () => {
  const data = bytes(3000, 7);
  const parts = encodeWire('msg', data, 1000, 'a1b2c3d4').map(part);

  it('completes from parts in any order, ignoring exact duplicates', () => {
    const r = new Reassembler();
    expect(r.add(parts[2]!)).toEqual({ waiting: { have: [3], total: 5 } });
    expect(r.add(parts[2]!)).toEqual({ waiting: { have: [3], total: 5 } });
    for (const p of [parts[0]!, parts[4]!, parts[1]!]) expect(r.add(p)).toHaveProperty('waiting');
    expect(r.add(parts[0]!)).toEqual({ waiting: { have: [1, 2, 3, 5], total: 5 } });
    const done = r.add(parts[3]!);
    expect(done).toEqual({ complete: data, kind: 'msg' });
    expect(r.add(parts[1]!)).toEqual({ complete: data, kind: 'msg' }); // a late duplicate
  });

  it('keeps messages apart by id and flags parts that contradict the first seen', () => {
    const r = new Reassembler();
    const other = encodeWire('msg', bytes(3000, 9), 1000, 'a1b2c3d4').map(part);
    r.add(parts[0]!);
    expect(r.add(other[0]!)).toMatchObject({ conflict: 'payload' });
    expect(r.add({ ...parts[1]!, total: 6 })).toMatchObject({ conflict: 'total' });
    expect(r.add({ ...parts[1]!, kind: 'key' })).toMatchObject({ conflict: 'kind' });
    const unrelated = encodeWire('key', bytes(10), 1000, 'ffff0000').map(part);
    expect(r.add(unrelated[0]!)).toEqual({ complete: bytes(10), kind: 'key' });
    for (const p of parts.slice(1)) r.add(p);
    expect(r.add(parts[0]!)).toEqual({ complete: data, kind: 'msg' });
  });

  it('bounds how many unfinished messages it holds', () => {
    const r = new Reassembler(3);
    const ids = ['00000001', '00000002', '00000003', '00000004'];
    for (const id of ids) r.add({ kind: 'msg', id, index: 1, total: 2, payload: 'AAAA' } satisfies WirePart);
    expect(r.add({ kind: 'msg', id: '00000001', index: 2, total: 2, payload: 'AAAA' })).toHaveProperty('waiting');
  });
});

describe('assembleWire', () => {
  const data = bytes(2000, 3);
  const parts = encodeWire('msg', data, 768, '0badf00d');

  it('joins bubbles of one message, in any order', () => {
    expect(assembleWire([...parts].reverse())).toEqual({ kind: 'msg', data });
    expect(assembleWire(parts.slice(1))).toEqual({ waiting: { have: [2, 3, 4], total: 4 } });
  });

  it('refuses mixtures and non-wire text', () => {
    const other = encodeWire('msg', data, 768, '0badf00e');
    expect(assembleWire([parts[0]!, other[1]!])).toEqual({ error: 'mixed' });
    expect(assembleWire([parts[0]!, 'hello'])).toEqual({ error: 'not-wire' });
    expect(assembleWire([])).toEqual({ error: 'not-wire' });
    expect(assembleWire([parts[0]!, parts[1]!.slice(0, -1)])).toEqual({ error: 'bad-base64' });
    expect(assembleWire([parts[0]!, parts[0]!.replace(/(.{80})./, (_m, a: string) => a + (parts[0]![80] === 'A' ? 'B' : 'A'))])).toEqual({ error: 'conflict' });
  });
});

describe('packets', () => {
  it('walks new- and old-format headers, partial lengths included, and refuses what does not tile', () => {
    const newFmt = Uint8Array.of(0xc1, 3, 9, 9, 9, 0xcb, 0xc0, 0x00, ...new Array(192).fill(1));
    expect(walkPackets(newFmt)?.map((p) => [p.tag, p.body?.length])).toEqual([[1, 3], [11, 192]]);
    const partial = Uint8Array.of(0xd2, 0xe1, 7, 7, 0x01, 9); // tag 18: 2-byte chunk, then final 1
    expect(walkPackets(partial)).toEqual([{ tag: 18, body: null }]);
    const oldFmt = Uint8Array.of(0x84, 2, 5, 5, 0xa3, 1, 2, 3);
    expect(walkPackets(oldFmt)?.map((p) => p.tag)).toEqual([1, 8]);
    expect(walkPackets(Uint8Array.of(0xc1, 5, 1))).toBeNull();
    expect(walkPackets(Uint8Array.of(0x41))).toBeNull();
    expect(walkPackets(new Uint8Array(20_001).fill(0xc0).map((x, i) => (i % 2 ? 0 : x)))).toBeNull(); // 10,000+ empty packets
  });

  it('reads PKESK recipients (v3 and v6)', () => {
    const v3 = Uint8Array.of(0xc1, 10, 3, 1, 2, 3, 4, 5, 6, 7, 0xab, 18);
    const fp = Array.from({ length: 20 }, (_, i) => i);
    const v6 = Uint8Array.of(0xc1, 24, 6, 21, 4, ...fp, 18);
    const anon = Uint8Array.of(0xc1, 3, 6, 0, 18);
    expect(recipientKeyIds(Uint8Array.of(...v3, ...v6, ...anon))).toEqual(['01020304050607AB', '0C0D0E0F10111213', '0000000000000000']);
    expect(recipientKeyIds(Uint8Array.of(1, 2, 3))).toEqual([]);
  });
});

describe('armored blocks', () => {
  // A syntactically plausible message: PKESK v3 + SEIPD v1 (contents are not decrypted here).
  const msg = Uint8Array.of(0xc1, 12, 3, 1, 2, 3, 4, 5, 6, 7, 8, 18, 0xaa, 0xbb, 0xd2, 40, 1, ...bytes(39));
  const canonical = armor('msg', msg);

  it('reads GnuPG-style blocks with headers and checksum, newlines kept, collapsed or dropped', () => {
    const body = canonical.split('\n').slice(2, -2);
    const gpg = ['-----BEGIN PGP MESSAGE-----', 'Version: GnuPG v2', 'Comment: Made by me', '', ...body, '=AbCd', '-----END PGP MESSAGE-----'];
    for (const text of [gpg.join('\n'), gpg.join('\r\n'), gpg.join(' '), gpg.join('\u00A0'), gpg.join(''), `  ${gpg.join('\n')}\n`, gpg.join('\n').replace(/(.{20})/g, '$1\u200B')]) {
      const p = parseWire(text);
      expect(p, JSON.stringify(text)).toEqual({ kind: 'msg', binary: msg, armored: canonical });
    }
  });

  it('reads public key blocks as key shares, and ignores private keys and other text', () => {
    const key = Uint8Array.of(0xc6, 4, 4, 1, 2, 3, 0xcd, 3, 0x41, 0x42, 0x43);
    expect(parseWire(armor('key', key))).toMatchObject({ kind: 'key', binary: key });
    expect(parseWire(armor('key', key).replace(/PUBLIC/g, 'PRIVATE'))).toBeNull();
    expect(parseWire(`hi ${canonical}`)).toBeNull();
    expect(parseWire(canonical.replace('END PGP MESSAGE', 'END PGP PUBLIC KEY BLOCK'))).toBeNull();
    expect(parseWire('-----BEGIN PGP MESSAGE-----\n\nnot base64!\n-----END PGP MESSAGE-----')).toBeNull();
    expect(parseWire(armor('key', msg))).toBeNull(); // framing must fit the label
  });
});
