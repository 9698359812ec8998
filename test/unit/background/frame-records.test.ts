// The background's records of claimed frames stay within their budget in storage.session, and the
// records that go are the ones no frame has used for longest. Storage is an in-memory stand-in
// (this runs in Node); the module under test is the extension's own.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { FrameRequest } from '@src/protocol';

const stored = new Map<string, unknown>();
vi.mock('../../../extension/background/store', () => ({
  session: {
    get: async (k: string) => structuredClone(stored.get(k)),
    set: async (k: string, v: unknown) => void stored.set(k, structuredClone(v)),
    remove: async (k: string | string[]) => void (Array.isArray(k) ? k : [k]).forEach((x) => stored.delete(x)),
  },
}));

type Records = typeof import('../../../extension/background/frame-records');
let records: Records;
beforeEach(async () => {
  stored.clear();
  vi.resetModules();
  records = await import('../../../extension/background/frame-records');
});

const PART = 'A'.repeat(16_000);
const message = (i: number) => ({ kind: 'message', wire: [`MNTL1 M ${(0x10000000 + i).toString(16)} 001/001 ${PART}`] }) as unknown as FrameRequest;
const compose = { kind: 'compose' } as unknown as FrameRequest;
const claimed = (i: number, frame = message(i)) => ({ token: `t${i}`, secret: `s${i}`, frame });
const bytes = () => [...stored].filter(([k]) => k.startsWith('frame:')).reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
const BUDGET = 4 * 1024 * 1024;

describe('frame records in storage.session', () => {
  test('a tab reloaded for months: records stay within 4 MB, the ones in use and the composer stay', async () => {
    await records.record('frame:1:0', claimed(0, compose));
    // The frame on screen, then 400 pages' worth of frames that went without a word.
    await records.record('frame:1:1', claimed(1));
    for (let i = 2; i < 400; i++) {
      await records.record(`frame:1:${i}`, claimed(i));
      if (i % 20 === 0) expect(await records.recordAt('frame:1:1')).toBeDefined(); // it lays out now and then
    }
    expect(bytes()).toBeLessThanOrEqual(BUDGET);
    expect(bytes()).toBeGreaterThan(BUDGET - 20_000);
    expect(stored.has('frame:1:0'), 'the composer is never evicted').toBe(true);
    expect(stored.has('frame:1:1'), 'the frame in use stays').toBe(true);
    expect(stored.has('frame:1:2'), 'the oldest unused went').toBe(false);
    expect(stored.has('frame:1:399')).toBe(true);
    // An evicted record is gone from memory too: its frame is refused, not served from a cache.
    expect(await records.recordAt('frame:1:2')).toBeUndefined();
    expect(await records.release('t2', 1)).toBeUndefined();
  });

  test('a released record leaves the budget; another tab cannot release it', async () => {
    await records.record('frame:1:5', claimed(5));
    expect(await records.release('t5', 2)).toBeUndefined();
    expect(await records.release('t5', 1)).toBe('frame:1:5');
    // The key was reused by a later claim: the old token no longer releases it.
    await records.record('frame:1:6', claimed(6));
    await records.record('frame:1:6', { ...claimed(7), frame: message(6) });
    expect(await records.release('t6', 1)).toBeUndefined();
  });

  test('after a worker restart: records an earlier worker left count, as older than those in use', async () => {
    for (let i = 0; i < 300; i++) stored.set(`frame:3:${i}`, claimed(i));
    vi.resetModules();
    records = await import('../../../extension/background/frame-records');
    // A frame of the earlier worker is used before the sweep finds the rest.
    expect(await records.recordAt('frame:3:7')).toBeDefined();
    for (const [k, v] of stored) records.learn(k, v as ReturnType<typeof claimed>);
    await records.settle();
    expect(bytes()).toBeLessThanOrEqual(BUDGET);
    expect(stored.has('frame:3:7'), 'the record in use stays').toBe(true);
    // And what is learned can be released by its token.
    expect(await records.release('t299', 3)).toBe('frame:3:299');
  });
});
