/**
 * The thread frame: one extension-origin frame per chat draws every decrypted message of the list
 * (a document per bubble cost ~0.1 s and several MB each, docs/performance.md). Each message still
 * has its own one-time token and secret, issued to the tab that asked. The content script posts
 * both into the frame; the frame spends them here.
 *
 * Which frame opened which message is recorded like a message frame's claim (frame-records.ts,
 * one record per message under the frame's key): only that frame may show the message again,
 * import its key or size its box.
 */
import type { ThreadSize } from '@src/protocol';
import { frameKey, recordAt, record } from './frame-records';
import { spend, unspent } from './frames';
import { importSharedKey, openMessage, type MessageFrame } from './messages';
import { handle, HandlerError, type Caller } from './router';
import { tellTab } from './tabs';

const HEX48 = /^[0-9a-f]{48}$/;
/** Sizes per report: a screenful or two; more is not the content script's frame. */
const MAX_SIZES = 500;

function keyOf(caller: Caller, token: string): string {
  if (caller.tabId === undefined || caller.frameId === undefined || !HEX48.test(token)) throw new HandlerError('forbidden');
  return `${frameKey(caller.tabId, caller.frameId)}:${token}`;
}

/** The message this thread frame opened with `token`, or a 'forbidden' error. */
async function opened(caller: Caller, token: string): Promise<MessageFrame> {
  const claimed = await recordAt(keyOf(caller, token));
  if (claimed?.frame.kind !== 'message') throw new HandlerError('forbidden', 'This frame did not open that message.');
  return claimed.frame;
}

handle('thread.open', async ({ token, secret }, caller) => {
  const refused = { ok: false } as const;
  if (typeof secret !== 'string' || !HEX48.test(secret)) return refused;
  const key = keyOf(caller, token);
  // The worker may have stopped after spending the token: the frame holding the secret opens again.
  // A token this worker issued and nobody spent has no record yet: no storage read (issue 7).
  const before = await recordAt(key, { stored: !unspent(token) });
  const frame = before?.secret === secret ? before.frame : await spend(token, secret, caller.tabId!, 'thread', (f) => record(key, { token, frame: f, secret }));
  if (frame?.kind !== 'message') return refused;
  return { ok: true as const, shown: await openMessage(frame), style: frame.style };
});

handle('thread.reopen', async ({ token }, caller) => openMessage(await opened(caller, token)));

handle('thread.importKey', async ({ token, confirmKeyChange }, caller) => importSharedKey(await opened(caller, token), !!confirmKeyChange));

handle('thread.layout', async ({ sizes, missing }, caller) => {
  if (!Array.isArray(sizes) || caller.tabId === undefined) throw new HandlerError('forbidden');
  const mine: ThreadSize[] = [];
  for (const s of sizes.slice(0, MAX_SIZES)) {
    if (!Array.isArray(s) || typeof s[0] !== 'string' || !HEX48.test(s[0]) || !Number.isFinite(s[1]) || !Number.isFinite(s[2])) continue;
    const claimed = await recordAt(keyOf(caller, s[0]));
    if (claimed) mine.push([s[0], Math.max(0, s[1]), Math.max(0, s[2])]);
  }
  // Only ever makes the content script ask for a new token for its own slot: nothing to check.
  const lost = Array.isArray(missing) ? missing.slice(0, MAX_SIZES).filter((t): t is string => typeof t === 'string' && HEX48.test(t)) : [];
  if (mine.length || lost.length) await tellTab(caller.tabId, 'page.threadLayout', { sizes: mine, ...(lost.length ? { missing: lost } : {}) });
  return { ok: true as const };
});
