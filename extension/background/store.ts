/**
 * Browser storage behind a read cache. Every request used to read the keyring, its settings, the
 * unlocked keys, the last activity, the chat's binding and the frame's claim from storage: about
 * thirty round trips to the browser process per message shown (docs/performance.md). Values read
 * or written here are kept in memory until storage reports a change to them, so a write from any
 * other context (or a second copy of this worker) is never served stale. Storage stays the truth:
 * the worker may stop at any moment and the cache goes with it.
 *
 * Reads hand out the cached value itself, frozen, not a copy: the keyring alone is read about
 * eight times per message shown, and copying it each time was the worker's largest allocation
 * (a sixth of it over a 500-message chat) and grew with every key. A caller that changes what it
 * read copies it first; one that forgets throws rather than corrupting the cache.
 */
import browser from 'webextension-polyfill';

type AreaName = 'local' | 'session';

export interface CachedArea {
  /** The stored value, frozen (shared with every other reader). */
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

/** Storage values are JSON-like: plain objects, arrays and primitives. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function cachedArea(name: AreaName): CachedArea {
  const storage = browser.storage[name];
  const cache = caches[name];
  const write = async (keys: string[], op: () => Promise<void>, after: (k: string) => unknown) => {
    generation++;
    for (const k of keys) cache.delete(k);
    await op();
    generation++;
    for (const k of keys) cache.set(k, deepFreeze(after(k)));
  };
  return {
    async get<T>(key: string) {
      if (cache.has(key)) return cache.get(key) as T | undefined;
      const before = generation;
      const value = deepFreeze((await storage.get(key))[key]);
      if (generation === before) cache.set(key, value);
      return value as T | undefined;
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
