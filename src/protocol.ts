/**
 * Every message between Mantle's contexts, in one place (as Mailvelope's controller table):
 * the request and response types, and which context may send each request. The background
 * classifies every sender from what the browser reports, never from what the message claims.
 */
import type { Conversation, SiteId } from './sites/types';

/** Where a message came from, as decided by the receiver from browser-provided sender data. */
export type Context = 'content' | 'compose' | 'message' | 'options' | 'popup';

export interface TabStatus {
  site: SiteId | null;
  siteName: string | null;
  /** false when the site is known but its chat layout was not recognised. */
  recognised: boolean;
  conversation: Conversation | null;
}

/** Requests handled by the background. */
export interface BackgroundApi {
  /** A content script announces itself and what it found on the page. */
  'content.status': { req: TabStatus; res: { ok: true } };
  /** A content script asks for a one-time token for a secure frame it is about to create. */
  'content.frameToken': { req: { kind: 'compose' | 'message' }; res: { token: string } };
  /** A secure frame proves it was created by Mantle's content script in its own tab. */
  'frame.claim': { req: { token: string }; res: { ok: boolean } };
  /** Extension pages ask what a tab's content script last reported. */
  'tab.status': { req: { tabId: number }; res: TabStatus | null };
}

/** Requests handled by a content script (sent by the background or the popup). */
export interface ContentApi {
  'page.status': { req: Record<string, never>; res: TabStatus };
}

export type Request<A, K extends keyof A> = A[K] extends { req: infer R } ? R : never;
export type Response<A, K extends keyof A> = A[K] extends { res: infer R } ? R : never;

export interface Envelope<A, K extends keyof A = keyof A> {
  mantle: 1;
  type: K;
  payload: Request<A, K>;
}

/** Which contexts may send each background request. Anything not listed is refused. */
export const allowedSenders: { [K in keyof BackgroundApi]: readonly Context[] } = {
  'content.status': ['content'],
  'content.frameToken': ['content'],
  'frame.claim': ['compose', 'message'],
  'tab.status': ['popup', 'options'],
};

export const contentAllowedSenders: { [K in keyof ContentApi]: readonly Context[] } = {
  'page.status': ['popup'],
};

export interface SenderInfo {
  id?: string;
  url?: string;
  origin?: string;
  tab?: { id?: number; url?: string };
  frameId?: number;
}

/** Page paths of Mantle's own pages, mapped to their context. */
const pages: Record<string, Context> = {
  '/frames/compose.html': 'compose',
  '/frames/message.html': 'message',
  '/options/index.html': 'options',
  '/popup/index.html': 'popup',
};

/**
 * Classifies a sender. `extensionId` and `extensionOrigin` come from the runtime; `isSupportedPage`
 * says whether a web page URL is one where Mantle's content script runs.
 */
export function classifySender(
  sender: SenderInfo,
  self: { extensionId: string; extensionOrigin: string },
  isSupportedPage: (url: URL) => boolean,
): Context | null {
  if (sender.id !== self.extensionId || !sender.url) return null;
  let url: URL;
  try {
    url = new URL(sender.url);
  } catch {
    return null;
  }
  // Chrome serves web-accessible frames from a per-session dynamic host when use_dynamic_url is
  // set, so only the scheme is compared; sender.id (set by the browser) already proved it is us.
  if (url.protocol === new URL(self.extensionOrigin).protocol) return pages[url.pathname] ?? null;
  // Content scripts report the page's URL; Mantle runs only in top frames of supported sites.
  if (url.protocol === 'https:' && sender.tab?.id !== undefined && sender.frameId === 0 && isSupportedPage(url))
    return 'content';
  return null;
}

export function isEnvelope(x: unknown): x is Envelope<unknown> {
  return typeof x === 'object' && x !== null && (x as { mantle?: unknown }).mantle === 1 &&
    typeof (x as { type?: unknown }).type === 'string';
}
