/**
 * One-time tokens that tie a secure frame to the content script that created it. A frame loaded
 * by the page (or anyone else) has no valid token for its own tab, so it refuses to show anything.
 * Tokens live in storage.session: the service worker may stop between creation and claim.
 */
import browser from 'webextension-polyfill';
import { handle, HandlerError } from './router';

interface Pending { tabId: number; kind: 'compose' | 'message'; created: number }
const KEY = 'frameTokens';
const TTL_MS = 60_000;

async function load(): Promise<Record<string, Pending>> {
  const got = await browser.storage.session.get(KEY);
  return (got[KEY] as Record<string, Pending> | undefined) ?? {};
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

handle('content.frameToken', async ({ kind }, caller) => {
  if (caller.tabId === undefined) throw new HandlerError('forbidden');
  const now = Date.now();
  const pending = Object.fromEntries(Object.entries(await load()).filter(([, p]) => now - p.created < TTL_MS));
  const token = randomToken();
  pending[token] = { tabId: caller.tabId, kind, created: now };
  await browser.storage.session.set({ [KEY]: pending });
  return { token };
});

handle('frame.claim', async ({ token }, caller) => {
  const pending = await load();
  const entry = pending[token];
  if (!entry) return { ok: false };
  delete pending[token];
  await browser.storage.session.set({ [KEY]: pending });
  const fresh = Date.now() - entry.created < TTL_MS;
  return { ok: fresh && entry.tabId === caller.tabId && entry.kind === caller.context };
});
