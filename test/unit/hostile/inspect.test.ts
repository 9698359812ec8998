import { describe, expect, test } from 'vitest';
import { leaks } from '../../fixtures/hostile/inspect';

const secret = 'The quick brown fox jumps over the lazy dog';

describe('leaks', () => {
  test('finds the whole secret and any 8-character piece, not 7', () => {
    const events = ['scan innerText nothing here', `mutation text ${secret}`, 'key [brown f]', 'key x brown fox', 'a[lazy do]'];
    expect(leaks({ events }, [secret])).toEqual([`mutation text ${secret}`, 'key x brown fox']);
  });

  test('minLength is adjustable', () => {
    expect(leaks({ events: ['ab quick b', 'lazy'] }, [secret], 4)).toEqual(['ab quick b', 'lazy']);
    expect(leaks({ events: ['ab quick b'] }, [secret], 20)).toEqual([]);
  });

  test('a secret shorter than minLength must appear whole', () => {
    expect(leaks({ events: ['pw hunter', 'pw hunte'] }, ['hunter'])).toEqual(['pw hunter']);
  });

  test('JSON-, HTML- and URL-escaped forms count', () => {
    const s = 'say "hi" & <bye>\nnow';
    const json = `event input ${JSON.stringify({ data: s })}`;
    const html = 'mutation added <p>say &quot;hi&quot; &amp; &lt;bye&gt;</p>';
    const url = `fetch https://x/?q=${encodeURIComponent('hi" & <bye')}`;
    expect(leaks({ events: [json, html, url, 'say hi and bye'] }, [s])).toEqual([json, html, url]);
  });

  test('pieces at the very start and end of an event', () => {
    expect(leaks({ events: ['The quic', 'lazy dog'] }, [secret])).toEqual(['The quic', 'lazy dog']);
  });

  test('non-BMP text and empty secrets', () => {
    const s = 'secret 🔐 with emoji 🦊 inside';
    expect(leaks({ events: ['x 🔐 with e y', 'x 🦊 insid'] }, [s, ''])).toEqual(['x 🔐 with e y', 'x 🦊 insid']);
    expect(leaks({ events: ['anything'] }, [''])).toEqual([]);
  });

  test('several secrets at once; each event reported once', () => {
    const events = ['has passphrase-123 and brown fox jumps', 'clean'];
    expect(leaks({ events }, [secret, 'passphrase-123'])).toEqual([events[0]]);
  });

  test('MBs of log with many secrets stay fast', () => {
    const filler = 'lorem ipsum dolor sit amet, consectetur adipiscing elit. '.repeat(2000); // ~114 kB
    const events = Array.from({ length: 80 }, (_, i) => `scan textContent ${i} ${filler}`); // ~9 MB
    events.push(`${filler}fox jumps over${filler}`);
    const secrets = [secret, ...Array.from({ length: 50 }, (_, i) => `another secret number ${i} `.repeat(20))];
    const t0 = performance.now();
    const found = leaks({ events }, secrets);
    const ms = performance.now() - t0;
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('fox jumps over');
    expect(ms).toBeLessThan(10000);
  });
});
