/**
 * Every message between Mantle's contexts, in one place (as Mailvelope's controller table):
 * the request and response types, and which context may send each request. The background
 * classifies every sender from what the browser reports, never from what the message claims.
 */
import type { Conversation, SiteId } from './sites/types';
import type { ImportReport, KeyInfo, LookupResult, Settings } from './keyring/types';

/** Where a message came from, as decided by the receiver from browser-provided sender data.
 * 'generic': Mantle's on-demand content script on a site that has no adapter (extension/content/generic). */
export type Context = 'background' | 'content' | 'generic' | 'compose' | 'message' | 'thread' | 'options' | 'popup';

export interface TabStatus {
  site: SiteId | null;
  siteName: string | null;
  /** false when the site is known but its chat layout was not recognised. */
  recognised: boolean;
  conversation: Conversation | null;
}

/** Requests handled by the background. */
export interface BackgroundApi {
  /** A content script asks for a one-time token for a secure frame it is about to create. */
  'content.frameToken': { req: FrameRequest; res: { token: string; secret: string } };
  /** A content script's frames left the page (the site dropped their rows): their records can go. */
  'content.framesGone': { req: { tokens: string[] }; res: { ok: true } };
  /** A secure frame proves it was created by Mantle's content script in its own tab. */
  'frame.claim': {
    req: { token: string; secret: string };
    /** `shown`: a message frame's content, sent with the claim (one round trip fewer per bubble). */
    res: { ok: false } | { ok: true; frame: FrameRequest; shown?: Rendered };
  };
  /** A secure frame asks its content script to resize or refocus it. */
  'frame.layout': { req: FrameLayout; res: { ok: true } };
  /** The compose frame's view of its chat: binding, recipients, own key, lock state. */
  'compose.state': { req: Record<string, never>; res: ChatState };
  /** Turn encryption on (with these recipients' fingerprints) or off for the frame's chat. */
  'compose.bind': { req: { enabled: boolean; recipients: string[] }; res: ChatState };
  /** Encrypt and sign the text, then have the content script send the ciphertext. */
  'compose.send': { req: { text: string }; res: { parts: number } };
  /**
   * The chat's unsent draft, kept by the background: reads it, or saves `text`. `sealed`: a draft
   * is kept but only the unlocked key can open it; `unreadable`: one is kept that none of the
   * user's keys here can open (sealed to a key since deleted).
   */
  'compose.draft': { req: { text?: string }; res: { text: string; sealed: boolean; unreadable?: boolean } };
  /**
   * The thread frame (one per chat, drawing every decrypted message of the list) opens a message
   * with the token and secret the content script posted into it. `ok: false`: not this frame's
   * token, or a wrong secret (the page posts some too), which does not spend the token.
   */
  'thread.open': { req: { token: string; secret: string }; res: { ok: false } | { ok: true; shown: Rendered; style: BubbleStyle } };
  /** A message the thread frame opened, shown again (unlocked, locked, keys changed). */
  'thread.reopen': { req: { token: string }; res: Rendered };
  /** The thread frame imports the public key shared in one of its messages. */
  'thread.importKey': { req: { token: string; confirmKeyChange?: boolean }; res: Rendered };
  /**
   * The thread frame's messages' sizes, for their boxes in the page: [token, height, width or 0
   * for full]; `missing`: tokens it was given boxes for but no longer holds (it keeps only so many).
   */
  'thread.layout': { req: { sizes: ThreadSize[]; missing?: string[] }; res: { ok: true } };
  /** Post the user's own public key into the chat, in the same transport. */
  'compose.shareKey': { req: Record<string, never>; res: { parts: number } };
  /** The popup asks how the active tab's chat is encrypted (site and id come from its content script). */
  'popup.chat': { req: { site: SiteId; conversationId: string }; res: ChatState };
  /** A message frame asks for its decrypted content. */
  'message.open': { req: Record<string, never>; res: Rendered };
  /** A message frame imports the public key shared in its bubble. */
  'message.importKey': { req: { confirmKeyChange?: boolean }; res: Rendered };
  // ---- keys.* : the keyring, for Mantle's own pages (see extension/background/keys.ts) ----
  'keys.state': { req: Record<string, never>; res: KeysState };
  'keys.generate': { req: { name: string; email?: string; passphrase: string; expiresInDays: number }; res: KeyInfo };
  /** Contacts' public keys; confirmKeyChange lists new fingerprints the user accepted despite a key change. */
  'keys.importPublic': { req: { input: KeyInput; confirmKeyChange?: string[] }; res: ImportReport };
  'keys.importPrivate': { req: { input: KeyInput; passphrase: string }; res: ImportReport };
  'keys.lookup': { req: { query: string }; res: LookupResult[] };
  /** Unlocks one own key (the default when no fingerprint is given). */
  'keys.unlock': { req: { passphrase: string; fingerprint?: string }; res: KeysLockState };
  'keys.lock': { req: Record<string, never>; res: KeysLockState };
  'keys.lockState': { req: Record<string, never>; res: KeysLockState };
  'keys.setDefault': { req: { fingerprint: string }; res: KeysState };
  'keys.setVerified': { req: { fingerprint: string; verified: boolean }; res: KeysState };
  'keys.delete': { req: { fingerprint: string }; res: KeysState };
  'keys.changePassphrase': { req: { fingerprint: string; oldPassphrase: string; newPassphrase: string }; res: KeysState };
  'keys.extendExpiry': { req: { fingerprint: string; passphrase: string; expiresInDays: number }; res: KeysState };
  /** Returns the armored revocation certificate, to offer for download. */
  'keys.revoke': { req: { fingerprint: string; passphrase: string }; res: { revocation: string } };
  'keys.exportPublic': { req: { fingerprint: string }; res: { armored: string } };
  /** Still passphrase-protected. */
  'keys.exportPrivate': { req: { fingerprint: string }; res: { armored: string } };
  'keys.backup': { req: Record<string, never>; res: { text: string } };
  'keys.restore': { req: { text: string }; res: KeysState };
  'keys.settings': { req: Settings; res: KeysState };
  /** The popup asks Mantle to act on a tab of a site without an adapter (needs host access to it). */
  'anysite.run': { req: { tabId: number; action: AnysiteAction }; res: { ok: true } };
}

/** compose: open the secure composer for the focused field; decrypt: show the page's ciphertext. */
export type AnysiteAction = 'compose' | 'decrypt';
/** The site id of frames on sites without an adapter; their "conversation" is the page's origin. */
export const GENERIC_SITE = 'generic' as unknown as SiteId;

/** Key material as text (armored) or binary (.gpg) bytes in base64: runtime messages are JSON in Chrome. */
export type KeyInput = { text: string } | { base64: string };
export interface KeysLockState { hasKey: boolean; locked: boolean; unlocked: string[]; defaultKey: KeyInfo | null }
export interface KeysState extends KeysLockState { keys: KeyInfo[]; settings: Settings }

/** What a content script asks for when it creates a secure frame. Never plaintext. */
export type FrameRequest =
  | { kind: 'compose'; site: SiteId; conversation: Conversation }
  | { kind: 'message'; site: SiteId; conversation: Conversation; wire: string[]; own: boolean; sender: string; style: BubbleStyle };

/** The look of the bubble a message frame replaces, so it can match the site. */
export interface BubbleStyle { color: string; fontSize: string; fontFamily: string; lineHeight: string; dark: boolean }

/** A message's size in the thread frame: token, height, and its width when narrower than its box (else 0). */
export type ThreadSize = [token: string, height: number, width: number];

export type FrameLayout =
  /** widen: the content changed; take the bubble's whole width again before measuring it. */
  | { action: 'size'; height: number; width?: number; widen?: boolean }
  /** badge: a small lock at the box's edge (encryption off); cover: the secure editor laid over
   * the site's box; panel: chat setup, opening upwards from the box. */
  | { action: 'mode'; mode: 'badge' | 'cover' | 'panel'; height?: number }
  | { action: 'focus-lost' };

export interface Recipient { fingerprint: string; name: string; email: string; verified: boolean; status: string; own: boolean }

export interface ChatState {
  enabled: boolean;
  recipients: Recipient[];
  /** Contacts the user can pick from. */
  contacts: Recipient[];
  ownKey: Recipient | null;
  locked: boolean;
  maxLength: number;
}

export type SignatureState = 'verified' | 'unverified' | 'unknown-signer' | 'bad' | 'unsigned';

export type Rendered =
  | { state: 'text'; text: string; signature: SignatureState; signer?: string; own: boolean }
  | { state: 'key'; name: string; fingerprint: string; known: 'new' | 'same' | 'changed' | 'own' }
  | { state: 'waiting'; missing: number; total: number }
  | { state: 'locked' }
  | { state: 'not-for-you' }
  | { state: 'damaged'; detail: string };

/** Requests handled by a content script (sent by the background or the popup). */
export interface ContentApi {
  'page.status': { req: Record<string, never>; res: TabStatus };
  /** Put each ciphertext part into the site's editor, check it, and send it. */
  'page.sendParts': { req: { parts: string[] }; res: { sent: number } };
  /** Apply a frame's layout request to the frame element created with this token. */
  'page.frameLayout': { req: { token: string; layout: FrameLayout }; res: { ok: true } };
  /** The thread frame's messages' sizes, only for tokens the background recorded that frame opened. */
  'page.threadLayout': { req: { sizes: ThreadSize[]; missing?: string[] }; res: { ok: true } };
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
  'content.frameToken': ['content', 'generic'],
  'content.framesGone': ['content', 'generic'],
  'frame.claim': ['compose', 'message'],
  'frame.layout': ['compose', 'message'],
  'compose.state': ['compose'],
  'compose.bind': ['compose'],
  'compose.send': ['compose'],
  'compose.shareKey': ['compose'],
  'compose.draft': ['compose'],
  'popup.chat': ['popup'],
  'message.open': ['message'],
  'message.importKey': ['message'],
  'thread.open': ['thread'],
  'thread.reopen': ['thread'],
  'thread.importKey': ['thread'],
  'thread.layout': ['thread'],
  'keys.state': ['options'],
  'keys.generate': ['options'],
  'keys.importPublic': ['options'],
  'keys.importPrivate': ['options'],
  'keys.lookup': ['options'],
  // Secure frames and the popup show an unlock prompt and the lock state.
  'keys.unlock': ['options', 'popup', 'compose', 'message', 'thread'],
  'keys.lock': ['options', 'popup'],
  'keys.lockState': ['options', 'popup', 'compose', 'message', 'thread'],
  'keys.setDefault': ['options'],
  'keys.setVerified': ['options'],
  'keys.delete': ['options'],
  'keys.changePassphrase': ['options'],
  'keys.extendExpiry': ['options'],
  'keys.revoke': ['options'],
  'keys.exportPublic': ['options'],
  'keys.exportPrivate': ['options'],
  'keys.backup': ['options'],
  'keys.restore': ['options'],
  'keys.settings': ['options'],
  'anysite.run': ['popup'],
};

/**
 * Requests that show the user is at the computer, which is what auto-lock counts as use. Not the
 * ones a page can cause: bubbles it renders make Mantle open frames and decrypt, and a page that
 * kept re-rendering would otherwise keep the keys unlocked for ever.
 */
export function showsUserPresence(type: keyof BackgroundApi, context: Context, payload: unknown): boolean {
  if (context === 'options' || context === 'popup') return true;
  if (type === 'keys.unlock' || type === 'message.importKey' || type === 'thread.importKey') return true;
  if (type === 'compose.draft') return typeof (payload as { text?: unknown } | null)?.text === 'string';
  return type === 'compose.send' || type === 'compose.bind' || type === 'compose.shareKey';
}

export const contentAllowedSenders: { [K in keyof ContentApi]: readonly Context[] } = {
  'page.status': ['popup'],
  // Only the background may drive sending and frame layout; a page cannot reach these at all.
  'page.sendParts': ['background'],
  'page.frameLayout': ['background'],
  'page.threadLayout': ['background'],
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
  '/frames/thread.html': 'thread',
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
  if (url.protocol === new URL(self.extensionOrigin).protocol) {
    const page = pages[url.pathname];
    if (page) return page;
    // The background (a service worker, or Firefox's generated page) has no tab.
    return sender.tab ? null : 'background';
  }
  // Content scripts report the page's URL and run only in top frames: the site adapter's script on
  // supported sites, the on-demand generic one elsewhere (only ever injected by the background).
  if (url.protocol === 'https:' && sender.tab?.id !== undefined && sender.frameId === 0)
    return isSupportedPage(url) ? 'content' : 'generic';
  return null;
}

/**
 * Requests to the background go over a port of this name (extension/lib/messaging.ts says why):
 * each carries an id, and its reply comes back with the same id.
 */
export const REQUEST_PORT = 'mantle.requests';
export interface PortRequest { id: number; env: unknown }
export interface PortReply { id: number; reply: unknown }

/**
 * News from the background to Mantle's frames and pages; nobody answers. Firefox tells
 * web-accessible frames nothing about storage.session, so a change of the lock is said this way:
 * by runtime.sendMessage (extension documents) and, for Firefox's in-page frames, tabs.sendMessage,
 * which content scripts receive too and ignore (it is not a request).
 */
export interface Broadcast { mantle: 1; broadcast: 'keys.changed' }

export function isBroadcast(x: unknown): x is Broadcast {
  return typeof x === 'object' && x !== null && (x as { mantle?: unknown }).mantle === 1 &&
    (x as { broadcast?: unknown }).broadcast === 'keys.changed';
}

export function isEnvelope(x: unknown): x is Envelope<unknown> {
  return typeof x === 'object' && x !== null && (x as { mantle?: unknown }).mantle === 1 &&
    typeof (x as { type?: unknown }).type === 'string';
}
