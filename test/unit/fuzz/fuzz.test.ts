// Issue 8: thousands of mutated wire messages and keys through decode → decrypt → display. No
// exception escapes, every input ends in a clear state within 1 s, and nothing but the original
// plaintext is ever shown as verified. Bounded and seeded here; a longer run:
//   MANTLE_FUZZ_COUNT=200000 MANTLE_FUZZ_SEED=7 npx vitest run test/unit/fuzz
import { describe, expect, test } from 'vitest';
import { bobViewer, bubble, CLEAR_STATES, loadCorpus } from '../bad/corpus';
import { mutant, type Seed } from './mutate';

const COUNT = Number(process.env.MANTLE_FUZZ_COUNT ?? 10_000);
const SEED = Number(process.env.MANTLE_FUZZ_SEED ?? 0x4d4e544c);

/** Valid inputs of the corpus: a one-part and a three-part message, a key share, and a group-free unsigned message. */
export function fuzzSeeds(): Seed[] {
  const corpus = loadCorpus();
  const byName = (n: string) => corpus.find((c) => c.name === n)!;
  return [
    { name: 'one part', kind: 'msg', parts: byName('control-valid').wire, maxChars: 1000 },
    { name: 'three parts', kind: 'msg', parts: byName('parts-out-of-order').wire.slice().reverse(), maxChars: 1000 },
    { name: 'key share', kind: 'key', parts: byName('key-html-user-id').wire, maxChars: 1000 },
    { name: 'unsigned', kind: 'msg', parts: byName('unsigned').wire, maxChars: 1000 },
  ];
}

describe('fuzzing the decode → decrypt → display pipeline', () => {
  test(`${COUNT} mutated wire messages and keys (seed ${SEED})`, async () => {
    const viewer = await bobViewer();
    const known = JSON.stringify(viewer.known);
    const seeds = fuzzSeeds();
    const plaintexts = new Set(loadCorpus().flatMap((c) => (c.expect.text ? [c.expect.text] : [])));
    const states = new Map<string, number>();
    const failures: string[] = [];
    let slowest = 0;
    for (let i = 0; i < COUNT; i++) {
      const { from, wire } = mutant(SEED, i, seeds);
      const start = performance.now();
      try {
        const shown = await bubble(wire, viewer);
        const key = shown.state === 'damaged' ? `damaged:${shown.detail}` : shown.state === 'text' ? `text:${shown.signature}` : shown.state;
        states.set(key, (states.get(key) ?? 0) + 1);
        if (!CLEAR_STATES.has(shown.state)) failures.push(`#${i} (${from}): unclear state ${shown.state}`);
        if (shown.state === 'text' && shown.signature === 'verified' && !plaintexts.has(shown.text)) failures.push(`#${i} (${from}): forged text shown as verified`);
      } catch (e) {
        failures.push(`#${i} (${from}): threw ${String(e)}`);
      }
      let ms = performance.now() - start;
      if (ms > 1000) {
        // A pause of the machine (GC, another process) is not the input's cost: slow twice is.
        const again = performance.now();
        await bubble(wire, viewer).catch(() => null);
        ms = Math.min(ms, performance.now() - again);
      }
      slowest = Math.max(slowest, ms);
      if (ms > 1000) failures.push(`#${i} (${from}): took ${Math.round(ms)} ms`);
    }
    console.log(`fuzz: ${COUNT} inputs, seed ${SEED}, slowest ${Math.round(slowest)} ms, states ${JSON.stringify(Object.fromEntries([...states].sort()))}`);
    expect(failures).toEqual([]);
    expect(JSON.stringify(viewer.known)).toBe(known);
    // The mutations must reach past the transport: some inputs get to OpenPGP and fail there.
    expect(states.get('damaged:damaged') ?? 0).toBeGreaterThan(COUNT / 20);
  }, Math.max(120_000, COUNT * 20));
});
