/**
 * One-time tokens that tie a secure frame to the content script that created it. A frame loaded
 * by the page (or anyone else) has no valid token for its own tab, so it refuses to show anything.
 * Tokens and claimed frames live in storage.session: the service worker may stop at any moment.
 */
import browser from 'webextension-polyfill';
import type { ContentApi, Envelope, FrameRequest, Request } from '@src/protocol';
import { handle, HandlerError, type Caller } from './router';
import { session } from './store';

interface Pending { tabId: number; created: number; frame: FrameRequest; secret: string }
interface Claimed { token: string; frame: FrameRequest }
const TOKEN_TTL_MS = 60_000;
const claiming = new Set<string>();

// One storage key per token and per frame: hundreds of message frames claim at once, and
// read-modify-write of one shared map would lose entries.
const tokenKey = (token: string) => `token:${token}`;
const frameKey = (tabId: number, frameId: number) => `frame:${tabId}:${frameId}`;

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The frame request behind a claimed secure frame, or a 'forbidden' error. */
export async function frameOf(caller: Caller): Promise<Claimed & { tabId: number }> {
  if (caller.tabId === undefined || caller.frameId === undefined) throw new HandlerError('forbidden');
  const claimed = await session.get<Claimed>(frameKey(caller.tabId, caller.frameId));
  if (!claimed) throw new HandlerError('forbidden', 'This frame was not opened by Mantle.');
  return { ...claimed, tabId: caller.tabId };
}

export function tellTab<K extends keyof ContentApi>(tabId: number, type: K, payload: Request<ContentApi, K>): Promise<ContentApi[K]['res']> {
  const env: Envelope<ContentApi, K> = { mantle: 1, type, payload };
  return browser.tabs.sendMessage(tabId, env, { frameId: 0 }).then((reply) => {
    const r = reply as { ok: boolean; value?: ContentApi[K]['res']; code?: string } | undefined;
    if (!r?.ok) throw new HandlerError(r?.code ?? 'page-gone', 'The chat page did not answer. Reload the tab and try again.');
    return r.value as ContentApi[K]['res'];
  });
}

handle('content.frameToken', async (frame, caller) => {
  if (caller.tabId === undefined) throw new HandlerError('forbidden');
  const token = randomToken();
  const secret = randomToken();
  const pending: Pending = { tabId: caller.tabId, created: Date.now(), frame, secret };
  await session.set(tokenKey(token), pending);
  return { token, secret };
});

/**
 * The token is in the frame's URL, which the page can read and copy into frames of its own. The
 * secret is not: the content script posts it straight into the frame it created, targeted at the
 * extension's origin, so only that frame can complete the claim. A wrong secret does not spend
 * the token (the page cannot burn our frame's claim by racing it).
 */
handle('frame.claim', async ({ token, secret }, caller) => {
  const refused = { ok: false } as const;
  if (!/^[0-9a-f]{48}$/.test(token) || caller.tabId === undefined || caller.frameId === undefined) return refused;
  if (claiming.has(token)) return refused;
  claiming.add(token);
  let entry: Pending | undefined;
  try {
    entry = await session.get<Pending>(tokenKey(token));
    if (!entry || entry.tabId !== caller.tabId || entry.secret !== secret) return refused;
    const valid = Date.now() - entry.created < TOKEN_TTL_MS && entry.frame.kind === caller.context;
    // Spending the token and recording the claim are independent writes: one round trip, not two.
    const claimed: Claimed = { token, frame: entry.frame };
    await Promise.all([session.remove(tokenKey(token)), valid ? session.set(frameKey(caller.tabId, caller.frameId), claimed) : null]);
    if (!valid) return refused;
  } finally {
    claiming.delete(token);
  }
  return { ok: true as const, frame: entry.frame };
});

// Forget a closed tab's frames and any tokens that were never claimed.
browser.tabs.onRemoved.addListener((tabId) => {
  void browser.storage.session.get(null).then((all) => {
    const now = Date.now();
    const stale = Object.entries(all)
      .filter(([k, v]) => k.startsWith(`frame:${tabId}:`) || (k.startsWith('token:') && now - (v as Pending).created > TOKEN_TTL_MS))
      .map(([k]) => k);
    if (stale.length) void session.remove(stale);
  });
});

handle('frame.layout', async (layout, caller) => {
  const { tabId, token } = await frameOf(caller);
  return tellTab(tabId, 'page.frameLayout', { token, layout });
});
