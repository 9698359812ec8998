import { describe, expect, test } from 'vitest';
import { HOSTILE_FLAGS, injectHostile, parseHostileFlags } from '../../fixtures/hostile/flags';

describe('hostile flags', () => {
  test('parses a comma list, dropping blanks and repeats', () => {
    expect(parseHostileFlags('record, overlay,,record')).toEqual(['record', 'overlay']);
    expect(parseHostileFlags(HOSTILE_FLAGS.join(','))).toEqual([...HOSTILE_FLAGS]);
    expect(parseHostileFlags('')).toEqual([]);
  });

  test('an unknown flag is an error, not a silent no-op', () => {
    expect(() => parseHostileFlags('record,overlays')).toThrow(/unknown hostile flag "overlays"/);
  });

  test('hostile.js goes before every other script', () => {
    const html = '<!doctype html>\n<html><head>\n<meta charset="utf-8">\n<title>x</title></head><body><script src="/__replica/messenger.js"></script></body></html>';
    const out = injectHostile(html, ['record', 'steal-focus']);
    const at = out.indexOf('/__replica/hostile.js?hostile=record%2Csteal-focus');
    expect(at).toBeGreaterThan(out.indexOf('charset'));
    expect(at).toBeLessThan(out.indexOf('<title>'));
    expect(at).toBeLessThan(out.indexOf('messenger.js'));
  });
});
