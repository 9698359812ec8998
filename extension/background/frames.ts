/**
 * One-time tokens that tie a secure frame to the content script that created it. A frame loaded
 * by the page (or anyone else) has no valid token for its own tab, so it refuses to show anything.
 * Tokens and claimed frames live in storage.session: the service worker may stop at any moment.
 */
import browser from 'webextension-polyfill';
import type { Context, FrameRequest, Rendered } from '@src/protocol';
import { frameKey, forgetTab, learn, record, recordAt, release, settle, type Claimed } from './frame-records';
import { handle, HandlerError, type Caller } from './router';
import { session, sessionSnapshot } from './store';
import { tellTab } from './tabs';

interface Pending { tabId: number; created: number; frame: FrameRequest; secret: string }
const TOKEN_TTL_MS = 60_000;
/** Unclaimed tokens per tab: a few screens of bubbles. */
const MAX_PENDING_PER_TAB = 100;
const claiming = new Set<string>();

/**
 * What this worker issued, also kept in memory (as are claimed frames, in frame-records.ts):
 * storage is read back only after a restart (each read was a round trip between a bubble and its
 * plaintext, issue 7). Writes are still awaited: an answer must not promise what a stopped worker
 * would forget. The map is bounded: the oldest entries fall back to storage.
 */
const issued = new Map<string, Pending>();
const MAX_REMEMBERED = 2000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value!);
}

// One storage key per token and per frame: hundreds of message frames claim at once, and
// read-modify-write of one shared map would lose entries.
const tokenKey = (token: string) => `token:${token}`;

/**
 * Set by messages.ts (which imports this module): a message frame's content is worked out from
 * the moment its token is issued, while the frame loads, and handed over with the claim.
 */
interface MessageContent { warm(frame: FrameRequest): void; open(frame: FrameRequest): Promise<Rendered> }
let messageContent: MessageContent | null = null;
export function provideMessageContent(m: MessageContent): void {
  messageContent = m;
}

/**
 * The content if it is ready within a moment (usually: decryption started with the token, while
 * the frame loaded). Otherwise the claim answers without it and the frame asks with message.open,
 * which retries: a worker stopped during a long decryption must not take the spent claim with it.
 */
const CONTENT_WAIT_MS = 100;
function ready(content: Promise<Rendered> | undefined): Promise<Rendered | undefined> {
  if (!content) return Promise.resolve(undefined);
  return Promise.race([content.catch(() => undefined), new Promise<undefined>((r) => setTimeout(r, CONTENT_WAIT_MS))]);
}

/** Issued by this worker and not yet spent: no frame has a record for it, in memory or storage. */
export function unspent(token: string): boolean {
  return issued.has(token);
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The frame request behind a claimed secure frame, or a 'forbidden' error. */
export async function frameOf(caller: Caller): Promise<Claimed & { tabId: number }> {
  if (caller.tabId === undefined || caller.frameId === undefined) throw new HandlerError('forbidden');
  const key = frameKey(caller.tabId, caller.frameId);
  const claimed = await recordAt(key);
  if (!claimed) throw new HandlerError('forbidden', 'This frame was not opened by Mantle.');
  return { ...claimed, tabId: caller.tabId };
}

handle('content.frameToken', async (frame, caller) => {
  if (caller.tabId === undefined) throw new HandlerError('forbidden');
  const token = randomToken();
  const secret = randomToken();
  const pending: Pending = { tabId: caller.tabId, created: Date.now(), frame, secret };
  // Tokens never claimed (their bubble went, or was asked for again) go, from storage too: each
  // holds a message's whole ciphertext, and storage.session is small (a page re-rendering its rows
  // over and over filled it, and every later token failed). Past the cap, the oldest of the tab go.
  const gone: string[] = [];
  const ofTab: string[] = [];
  for (const [t, p] of issued) {
    if (Date.now() - p.created > TOKEN_TTL_MS) gone.push(t);
    else if (p.tabId === caller.tabId) ofTab.push(t);
  }
  gone.push(...ofTab.slice(0, Math.max(0, ofTab.length + 1 - MAX_PENDING_PER_TAB)));
  for (const t of gone) issued.delete(t);
  if (gone.length) await session.remove(gone.map(tokenKey));
  void swept().catch(() => undefined);
  remember(issued, token, pending);
  await session.set(tokenKey(token), pending);
  if (frame.kind === 'message') messageContent?.warm(frame);
  return { token, secret };
});

/**
 * The token is in the frame's URL, which the page can read and copy into frames of its own. The
 * secret is not: the content script posts it straight into the frame it created, targeted at the
 * extension's origin, so only that frame can complete the claim.
 */
handle('frame.claim', async ({ token, secret }, caller) => {
  const refused = { ok: false } as const;
  if (!/^[0-9a-f]{48}$/.test(token) || caller.tabId === undefined || caller.frameId === undefined) return refused;
  const key = frameKey(caller.tabId, caller.frameId);
  // The worker may have stopped between spending the token and answering: the frame that holds
  // the secret (the page never sees it) gets its claim again; nothing else does.
  const before = await recordAt(key);
  if (before && before.token === token && before.secret === secret && before.frame.kind === caller.context) {
    return { ok: true as const, frame: before.frame, ...(await contentOf(before.frame)) };
  }
  const frame = await spend(token, secret, caller.tabId, caller.context, (f) => record(key, { token, frame: f, secret }));
  return frame ? { ok: true as const, frame, ...(await contentOf(frame)) } : refused;
});

/**
 * Spends a token issued to `tabId` for a frame of `kind`, given its secret; `keep` records which
 * frame took it, before the token is spent: a worker stopped in between leaves the frame one of
 * the two to open with again. A wrong secret does not spend the token (the page cannot burn our
 * frame's claim by racing it). Null: refused.
 */
export async function spend(token: string, secret: string, tabId: number, kind: Context, keep: (frame: FrameRequest) => Promise<void>): Promise<FrameRequest | null> {
  if (claiming.has(token)) return null;
  claiming.add(token);
  try {
    const entry = issued.get(token) ?? (await session.get<Pending>(tokenKey(token)));
    if (!entry || entry.tabId !== tabId || entry.secret !== secret) return null;
    // A message's token opens a message frame (the anysite tool) or the thread frame.
    const valid = Date.now() - entry.created < TOKEN_TTL_MS && (entry.frame.kind === kind || (kind === 'thread' && entry.frame.kind === 'message'));
    if (valid) await keep(entry.frame);
    issued.delete(token);
    await session.remove(tokenKey(token));
    return valid ? entry.frame : null;
  } finally {
    claiming.delete(token);
  }
}

async function contentOf(frame: FrameRequest): Promise<{ shown?: Rendered }> {
  const shown = frame.kind === 'message' ? await ready(messageContent?.open(frame)) : undefined;
  return shown ? { shown } : {};
}

/**
 * Removes from storage the expired tokens (and, for a closed tab, its frames and tokens), and
 * learns which token each stored frame claimed with. An earlier worker's tokens and frames are not
 * in this one's memory, so each worker sweeps once too.
 */
async function sweep(closedTab?: number): Promise<void> {
  const all = closedTab === undefined ? await sessionSnapshot() : await browser.storage.session.get(null);
  const now = Date.now();
  const stale: string[] = [];
  for (const [k, v] of Object.entries(all)) {
    if (k.startsWith('frame:')) {
      if (closedTab !== undefined && k.startsWith(`frame:${closedTab}:`)) stale.push(k);
      else learn(k, v as Claimed);
    } else if (k.startsWith('token:') && (now - (v as Pending).created > TOKEN_TTL_MS || (v as Pending).tabId === closedTab)) stale.push(k);
  }
  if (stale.length) await session.remove(stale);
  await settle();
}
let sweeping: Promise<void> | undefined;
const swept = () => (sweeping ??= sweep());

browser.tabs.onRemoved.addListener((tabId) => {
  forgetTab(tabId);
  for (const [t, p] of issued) if (p.tabId === tabId) issued.delete(t);
  void sweep(tabId).catch(() => undefined);
});

/**
 * The content script's frames that left the page: their records (each with its message's whole
 * ciphertext) would otherwise stay in storage.session until the tab closed, and a long chat
 * scrolled through fills it. Only the caller's own tab's frames and tokens go.
 */
handle('content.framesGone', async ({ tokens }, caller) => {
  if (caller.tabId === undefined || !Array.isArray(tokens)) throw new HandlerError('forbidden');
  await swept().catch(() => undefined);
  const keys: string[] = [];
  for (const token of tokens.slice(0, 1000)) {
    if (typeof token !== 'string') continue;
    const key = await release(token, caller.tabId);
    if (key) keys.push(key);
    if (issued.get(token)?.tabId === caller.tabId) {
      issued.delete(token);
      keys.push(tokenKey(token));
    }
  }
  if (keys.length) await session.remove(keys);
  return { ok: true as const };
});

handle('frame.layout', async (layout, caller) => {
  const { tabId, token } = await frameOf(caller);
  return tellTab(tabId, 'page.frameLayout', { token, layout });
});
