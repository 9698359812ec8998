/** The secure composer's requests: chat state, binding recipients, encrypt-sign-send, share key. */
import type { ChatState, Recipient } from '@src/protocol';
import { adapters } from '@src/sites/registry';
import type { SiteId } from '@src/sites/types';
import { encryptMessage } from '@src/crypto';
import { encodeWire } from '@src/wire';
import { ownKeyOf, type KeyInfo } from '@src/keyring';
import { getBinding, setBinding } from './bindings';
import { frameOf } from './frames';
import { tellTab } from './tabs';
import { keyring } from './keys';
import { loadDraft, saveDraft } from './drafts';
import { handle, HandlerError, type Caller } from './router';

/** The longest plaintext Mantle sends in one message; the site's own limit is handled by parts. */
const MAX_PLAINTEXT = 60_000;

export function recipientOf(k: KeyInfo): Recipient {
  return { fingerprint: k.fingerprint, name: k.name || k.email || k.userIds[0] || k.fingerprint, email: k.email ?? '', verified: k.verified, status: k.status, own: k.own };
}

function maxLength(site: SiteId): number {
  return adapters.find((a) => a.id === site)?.maxMessageLength ?? 1000;
}

async function composeFrame(caller: Caller) {
  const claimed = await frameOf(caller);
  if (claimed.frame.kind !== 'compose') throw new HandlerError('forbidden');
  return { ...claimed, frame: claimed.frame };
}

async function state(site: SiteId, id: string): Promise<ChatState> {
  const kr = await keyring();
  const keys = await kr.list();
  const binding = await getBinding(site, id);
  const own = ownKeyOf(keys);
  const contacts = keys.filter((k) => !k.own && k.hasEncryption && k.status === 'valid').map(recipientOf);
  const recipients = (binding?.recipients ?? []).flatMap((f) => keys.filter((k) => k.fingerprint === f).map(recipientOf));
  return {
    // Stays on even if its recipients' keys were deleted: the composer then refuses to send.
    enabled: !!binding?.enabled,
    recipients,
    contacts,
    ownKey: own ? recipientOf(own) : null,
    locked: (await kr.unlocked()).length === 0,
    maxLength: maxLength(site),
  };
}

/** Encrypts to the chat's recipients and the sender's own key, signs, and has the page send it. */
async function sendBinary(tabId: number, site: SiteId, kind: 'msg' | 'key', binary: Uint8Array): Promise<{ parts: number }> {
  const parts = encodeWire(kind, binary, maxLength(site));
  const { sent } = await tellTab(tabId, 'page.sendParts', { parts });
  return { parts: sent };
}

handle('compose.state', async (_, caller) => {
  const { frame } = await composeFrame(caller);
  return state(frame.site, frame.conversation.id);
});

handle('popup.chat', async ({ site, conversationId }) => {
  if (!adapters.some((a) => a.id === site)) throw new HandlerError('bad-site');
  return state(site, String(conversationId));
});

handle('compose.bind', async ({ enabled, recipients }, caller) => {
  const { frame } = await composeFrame(caller);
  const kr = await keyring();
  if (enabled) {
    if (!recipients.length) throw new HandlerError('no-recipients');
    await kr.encryptionKeys(recipients); // refuses expired, revoked or unknown keys before binding
  }
  const previous = await getBinding(frame.site, frame.conversation.id);
  await setBinding(frame.site, frame.conversation.id, {
    enabled,
    recipients: enabled ? recipients : previous?.recipients ?? [],
    title: frame.conversation.title,
    updated: Date.now(),
  });
  return state(frame.site, frame.conversation.id);
});

handle('compose.send', async ({ text }, caller) => {
  const { frame, tabId } = await composeFrame(caller);
  if (text.length > MAX_PLAINTEXT) throw new HandlerError('too-long');
  const [binding, kr] = await Promise.all([getBinding(frame.site, frame.conversation.id), keyring()]);
  if (!binding?.enabled || !binding.recipients.length) throw new HandlerError('no-recipients');
  // The keys are looked up together (a send waits on each step); errors keep their order below.
  const signing = kr.signingKey();
  signing.catch(() => undefined);
  const theirs = kr.encryptionKeys(binding.recipients);
  theirs.catch(() => undefined);
  const known = new Set((await kr.list()).map((k) => k.fingerprint));
  // A chat whose every contact key was deleted has nobody to encrypt to: say so, not "missing key".
  if (!binding.recipients.some((f) => known.has(f))) throw new HandlerError('no-recipients');
  const signingKey = await signing;
  const own = signingKey.getFingerprint().toUpperCase();
  const encryptionKeys = [...await theirs, ...binding.recipients.includes(own) ? [] : await kr.encryptionKeys([own])];
  const binary = await encryptMessage({ text, encryptionKeys, signingKey });
  return sendBinary(tabId, frame.site, 'msg', binary);
});

// Drafts live here, not in the frame: Firefox gives web-accessible frames no storage.session.
handle('compose.draft', async ({ text }, caller) => {
  const { frame } = await composeFrame(caller);
  const { site, conversation } = frame;
  if (text === undefined) return loadDraft(site, conversation.id);
  if (typeof text !== 'string' || text.length > MAX_PLAINTEXT * 2) throw new HandlerError('too-long');
  await saveDraft(site, conversation.id, text).catch((e: unknown) => {
    throw new HandlerError(isQuota(e) ? 'storage-full' : 'draft-not-saved');
  });
  return { text, sealed: false };
});

/** Chrome: "QUOTA_BYTES quota exceeded"; Firefox: QuotaExceededError. */
export function isQuota(e: unknown): boolean {
  return /quota/i.test(e instanceof Error ? `${e.name} ${e.message}` : String(e));
}

handle('compose.shareKey', async (_, caller) => {
  const { frame, tabId } = await composeFrame(caller);
  const kr = await keyring();
  const own = ownKeyOf(await kr.list());
  if (!own) throw new HandlerError('no-own-key');
  const [key] = await kr.encryptionKeys([own.fingerprint]);
  return sendBinary(tabId, frame.site, 'key', key!.write());
});
