// The background's read cache over browser storage: readers share one frozen value, so none can
// change what the next one reads, and a write from another context is read anew. Storage is an
// in-memory stand-in (this runs in Node); the module under test is the extension's own.
import { beforeEach, describe, expect, test, vi } from 'vitest';

const data = new Map<string, unknown>();
let reads = 0;
const listeners: ((changes: Record<string, unknown>, area: string) => void)[] = [];
const area = {
  get: async (k: string) => (reads++, { [k]: structuredClone(data.get(k)) }),
  set: async (o: Record<string, unknown>) => void Object.entries(o).forEach(([k, v]) => data.set(k, structuredClone(v))),
  remove: async (ks: string[]) => void ks.forEach((k) => data.delete(k)),
};
vi.mock('webextension-polyfill', () => ({
  default: { storage: { local: area, session: area, onChanged: { addListener: (f: (typeof listeners)[number]) => listeners.push(f) } } },
}));

type Store = typeof import('../../../extension/background/store');
let store: Store;
beforeEach(async () => {
  data.clear();
  reads = 0;
  listeners.length = 0;
  vi.resetModules();
  store = await import('../../../extension/background/store');
});

describe('the background store', () => {
  test('readers share one frozen value, read from storage once; changing it throws', async () => {
    data.set('mantle.keyring', { version: 1, keys: [{ fingerprint: 'A', armored: 'K' }] });
    const a = await store.local.get<{ keys: { armored: string }[] }>('mantle.keyring');
    const b = await store.local.get<{ keys: { armored: string }[] }>('mantle.keyring');
    expect(b).toBe(a);
    expect(reads).toBe(1);
    expect(() => { a!.keys[0]!.armored = 'changed'; }).toThrow(TypeError);
    expect(() => a!.keys.push({ armored: 'more' })).toThrow(TypeError);
    expect((await store.local.get<{ keys: { armored: string }[] }>('mantle.keyring'))!.keys).toEqual([{ fingerprint: 'A', armored: 'K' }]);
  });

  test('a value written is copied: the writer changing its object later changes nothing read', async () => {
    const mine = { recipients: ['A'] };
    await store.local.set('bindings', mine);
    mine.recipients.push('B');
    expect(await store.local.get('bindings')).toEqual({ recipients: ['A'] });
    expect(data.get('bindings')).toEqual({ recipients: ['A'] });
    expect(reads).toBe(0);
  });

  test('a change made by another context is read from storage again', async () => {
    data.set('bindings', { n: 1 });
    expect(await store.session.get('bindings')).toEqual({ n: 1 });
    data.set('bindings', { n: 2 });
    for (const f of listeners) f({ bindings: { newValue: { n: 2 } } }, 'session');
    expect(await store.session.get('bindings')).toEqual({ n: 2 });
    expect(reads).toBe(2);
  });
});
