import { describe, expect, test } from 'vitest';
import { SizeBudget, storedSize } from '../../../src/render/budget';

describe('the decrypted-message cache budget', () => {
  test('evicts the least recently used entries once over the limit, and only as many as needed', () => {
    const b = new SizeBudget(100);
    expect(b.add('a', 40)).toEqual([]);
    expect(b.add('b', 40)).toEqual([]);
    b.touch('a'); // read again: now the newest
    expect(b.add('c', 40)).toEqual(['b']);
    expect(b.total).toBe(80);
    expect(b.add('d', 70)).toEqual(['a', 'c']);
    expect([b.has('d'), b.total]).toEqual([true, 70]);
  });

  test('an entry bigger than the whole budget is not kept', () => {
    const b = new SizeBudget(100);
    b.add('a', 10);
    expect(b.add('huge', 101)).toEqual(['a', 'huge']);
    expect(b.total).toBe(0);
  });

  test('adding an entry again replaces its size; delete and clear give the room back', () => {
    const b = new SizeBudget(100);
    b.add('a', 60);
    expect(b.add('a', 90)).toEqual([]);
    expect(b.total).toBe(90);
    b.delete('a');
    b.delete('missing');
    expect(b.total).toBe(0);
    b.add('b', 5);
    b.clear();
    expect([b.total, b.has('b')]).toEqual([0, false]);
  });

  test('entries found after a restart count as older than the ones this worker cached', () => {
    const b = new SizeBudget(100);
    b.add('mine', 50);
    expect(b.addOlder([['old1', 30], ['mine', 50], ['old2', 30]])).toEqual(['old1']);
    expect([b.has('mine'), b.has('old2'), b.total]).toEqual([true, true, 80]);
  });

  test('sizes count UTF-8 bytes of the key and the JSON value', () => {
    expect(storedSize('k', 'é')).toBe(1 + 4); // k + "é" (é is 2 bytes)
    expect(storedSize('plain:x', { text: 'ab' })).toBe('plain:x{"text":"ab"}'.length);
  });
});
