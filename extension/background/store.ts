/**
 * Browser storage behind a read cache. Every request used to read the keyring, its settings, the
 * unlocked keys, the last activity, the chat's binding and the frame's claim from storage: about
 * thirty round trips to the browser process per message shown (docs/performance.md). Values read
 * or written here are kept in memory until storage reports a change to them, so a write from any
 * other context (or a second copy of this worker) is never served stale. Storage stays the truth:
 * the worker may stop at any moment and the cache goes with it.
 */
import browser from 'webextension-polyfill';

type AreaName = 'local' | 'session';

export interface CachedArea {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  remove(key: string | string[]): Promise<void>;
}

const caches: Record<AreaName, Map<string, unknown>> = { local: new Map(), session: new Map() };
// Bumped by every write and change: a read that overlapped one must not cache what it read.
let generation = 0;

// Invalidate rather than take the new value: changes can arrive after a later write of ours, and
// the next read then goes to storage, which has the latest.
browser.storage.onChanged.addListener((changes, areaName) => {
  const cache = caches[areaName as AreaName];
  generation++;
  if (cache) for (const key of Object.keys(changes)) cache.delete(key);
});

function cachedArea(name: AreaName): CachedArea {
  const storage = browser.storage[name];
  const cache = caches[name];
  const write = async (keys: string[], op: () => Promise<void>, after: (k: string) => unknown) => {
    generation++;
    for (const k of keys) cache.delete(k);
    await op();
    generation++;
    for (const k of keys) cache.set(k, after(k));
  };
  return {
    async get<T>(key: string) {
      if (cache.has(key)) return structuredClone(cache.get(key)) as T | undefined;
      const before = generation;
      const value = (await storage.get(key))[key];
      if (generation === before) cache.set(key, value);
      return structuredClone(value) as T | undefined;
    },
    set: (key, value) => write([key], () => storage.set({ [key]: value }), () => structuredClone(value)),
    remove(key) {
      const keys = Array.isArray(key) ? key : [key];
      return write(keys, () => storage.remove(keys), () => undefined);
    },
  };
}

export const local = cachedArea('local');
export const session = cachedArea('session');

let snapshot: Promise<Record<string, unknown>> | undefined;
/**
 * All of storage.session, read once for the clean-ups a new worker does of what earlier workers
 * left (the frames' sweep and the plaintext budget both need it as a chat opens, and it can hold
 * megabytes). Kept a little while for the other one, not for the worker's life.
 */
export function sessionSnapshot(): Promise<Record<string, unknown>> {
  if (!snapshot) {
    snapshot = browser.storage.session.get(null);
    setTimeout(() => (snapshot = undefined), 30_000);
  }
  return snapshot;
}
