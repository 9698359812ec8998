/**
 * Claimed frames' records: which frame request a secure frame was opened for. Kept in
 * storage.session (the worker may stop at any moment) and, for speed, in this worker's memory.
 *
 * A message frame's record holds its message's whole ciphertext, so those records are kept within
 * a size budget, least recently used out first. The content script reports the frames that left
 * the page, but a page that goes without reporting (a reload, a navigation, a crash) leaves its
 * frames' records behind until the tab closes; a tab kept open for days and reloaded now and then
 * would fill storage.session, and every later frame would fail. A frame still on screen uses its
 * record whenever it lays out or reopens, so the leftovers are the ones that go.
 */
import type { FrameRequest } from '@src/protocol';
import { SizeBudget, storedSize } from '@src/render/budget';
import { session } from './store';

/** `secret`: lets the same frame claim again when the worker stopped before its answer arrived. */
export interface Claimed { token: string; frame: FrameRequest; secret: string }

/** Within Chromium's 10 MB of storage.session, beside the decrypted messages' 3 MB and the tokens. */
const MESSAGE_RECORDS_BYTES = 4 * 1024 * 1024;
const MAX_IN_MEMORY = 2000;

const inMemory = new Map<string, Claimed>();
/** Records' storage keys by token, for content.framesGone (learned from storage after a restart). */
const keyByToken = new Map<string, string>();
const budget = new SizeBudget(MESSAGE_RECORDS_BYTES);

export const frameKey = (tabId: number, frameId: number) => `frame:${tabId}:${frameId}`;

/** A frame's record, marked as just used. `stored: false`: the caller knows storage has none. */
export async function recordAt(key: string, { stored = true } = {}): Promise<Claimed | undefined> {
  const claimed = inMemory.get(key) ?? (stored ? await session.get<Claimed>(key) : undefined);
  if (!claimed) return undefined;
  // An earlier worker's record, in use: newer than the leftovers the sweep will find.
  if (claimed.frame.kind === 'message' && !budget.has(key)) await countAsNewest(key, claimed);
  else budget.touch(key);
  return claimed;
}

/** Records a claim, stored before it resolves: an answer must not promise what a stopped worker would forget. */
export async function record(key: string, claimed: Claimed): Promise<void> {
  inMemory.set(key, claimed);
  if (inMemory.size > MAX_IN_MEMORY) inMemory.delete(inMemory.keys().next().value!);
  keyByToken.set(claimed.token, key);
  await session.set(key, claimed);
  if (claimed.frame.kind === 'message') await countAsNewest(key, claimed);
}

/** Counts a message frame's record as the most recently used; older ones over budget leave. */
function countAsNewest(key: string, claimed: Claimed): Promise<void> {
  return evict(budget.add(key, storedSize(key, claimed)).filter((k) => k !== key));
}

const older: [string, number][] = [];
/**
 * A record found in storage that this worker did not write (an earlier worker's): learned once per
 * worker, as older than this worker's own; settle() then removes what is over budget.
 */
export function learn(key: string, claimed: Claimed): void {
  if (!keyByToken.has(claimed.token)) keyByToken.set(claimed.token, key);
  if (claimed.frame.kind === 'message' && !budget.has(key)) older.push([key, storedSize(key, claimed)]);
}
/** After a sweep's learn() calls: the records over budget leave storage. */
export async function settle(): Promise<void> {
  await evict(budget.addOlder(older.splice(0)));
}

async function evict(keys: string[]): Promise<void> {
  if (!keys.length) return;
  for (const key of keys) inMemory.delete(key);
  const gone = new Set(keys);
  for (const [token, key] of keyByToken) if (gone.has(key)) keyByToken.delete(token);
  await session.remove(keys);
}

/**
 * The key of the caller's tab's record claimed with `token`, forgotten here, if that record is
 * still the one the token claimed; the caller removes it from storage.
 */
export async function release(token: string, tabId: number): Promise<string | undefined> {
  const key = keyByToken.get(token);
  if (!key?.startsWith(`frame:${tabId}:`)) return undefined;
  keyByToken.delete(token);
  if ((inMemory.get(key) ?? (await session.get<Claimed>(key)))?.token !== token) return undefined;
  inMemory.delete(key);
  budget.delete(key);
  return key;
}

/** A closed tab's records leave memory (the caller's sweep removes them from storage). */
export function forgetTab(tabId: number): void {
  const prefix = `frame:${tabId}:`;
  for (const key of inMemory.keys()) if (key.startsWith(prefix)) inMemory.delete(key);
  for (const [token, key] of keyByToken) {
    if (!key.startsWith(prefix)) continue;
    keyByToken.delete(token);
    budget.delete(key);
  }
}
