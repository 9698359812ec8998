/**
 * Decrypt on render, for message frames. Each ciphertext is decrypted and verified once per
 * session: results are cached by the ciphertext's hash in memory and in storage.session (which
 * survives service-worker restarts but not the browser), so rows the site re-renders are free.
 */
import browser from 'webextension-polyfill';
import * as openpgp from 'openpgp';
import type { FrameRequest, Rendered } from '@src/protocol';
import { decryptMessage } from '@src/crypto';
import { assembleWire } from '@src/wire';
import { getBinding, setBinding } from './bindings';
import { frameOf } from './frames';
import { keyring } from './keys';
import { handle, HandlerError, type Caller } from './router';
import { recipientOf } from './compose';

type MessageFrame = Extract<FrameRequest, { kind: 'message' }>;
const memory = new Map<string, Outcome>();
type NotText = Exclude<Rendered, { state: 'text' }>;

async function hash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function messageFrame(caller: Caller): Promise<MessageFrame> {
  const { frame } = await frameOf(caller);
  if (frame.kind !== 'message') throw new HandlerError('forbidden');
  return frame;
}

/** Joins the frame's parts into one OpenPGP message or key (or says what is missing). */
function assemble(wire: string[]): { kind: 'msg' | 'key'; data: Uint8Array | string } | NotText {
  const a = assembleWire(wire);
  if ('error' in a) return { state: 'damaged', detail: a.error };
  if ('waiting' in a) {
    const { have, total } = a.waiting;
    let missing = 1;
    while (have.includes(missing)) missing++;
    return { state: 'waiting', missing, total };
  }
  return a;
}

async function renderKey(data: Uint8Array | string): Promise<NotText> {
  const key = await (typeof data === 'string' ? openpgp.readKey({ armoredKey: data }) : openpgp.readKey({ binaryKey: data })).catch(() => null);
  if (!key) return { state: 'damaged', detail: 'bad-key' };
  if (key.isPrivate()) return { state: 'damaged', detail: 'private-key' };
  const fingerprint = key.getFingerprint().toUpperCase();
  const user = (await key.getPrimaryUser().catch(() => null))?.user.userID;
  const name = user?.name || user?.email || fingerprint;
  const known = await keyring().then((kr) => kr.list());
  const same = known.find((k) => k.fingerprint === fingerprint);
  const email = user?.email?.toLowerCase();
  const changed = !same && email && known.some((k) => !k.own && k.email?.toLowerCase() === email);
  return { state: 'key', name, fingerprint, known: same?.own ? 'own' : same ? 'same' : changed ? 'changed' : 'new' };
}

/** What decryption found, kept per session; the signer's trust is looked up fresh each time. */
type Outcome =
  | { state: 'text'; text: string; status: 'valid' | 'invalid' | 'unknown-signer' | 'unsigned'; signer?: string }
  | NotText;

/** Messages are at most 60,000 characters; anything far bigger is hostile (packet floods are slow). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

async function decrypt(frame: MessageFrame): Promise<Outcome> {
  const assembled = assemble(frame.wire);
  if ('state' in assembled) return assembled;
  if (assembled.kind === 'key') return renderKey(assembled.data);
  const kr = await keyring();
  const decryptionKeys = await kr.decryptionKeys();
  const result = await decryptMessage({ data: assembled.data, decryptionKeys, verificationKeys: await kr.verificationKeys(), maxBytes: MAX_MESSAGE_BYTES });
  if (!result.ok) {
    if (result.error === 'locked') return { state: 'locked' };
    if (result.error === 'not-for-you') return { state: 'not-for-you' };
    return { state: 'damaged', detail: result.error };
  }
  return { state: 'text', text: result.text, status: result.signature.status, signer: result.signature.signerFingerprint };
}

async function present(o: Outcome, frame: MessageFrame): Promise<Rendered> {
  if (o.state !== 'text') return o;
  const signer = o.signer ? (await (await keyring()).list()).find((k) => k.fingerprint === o.signer) : undefined;
  const signature =
    o.status === 'valid' ? (signer?.verified || signer?.own ? 'verified' : 'unverified')
    : o.status === 'invalid' ? 'bad'
    : o.status;
  return { state: 'text', text: o.text, signature, signer: signer ? recipientOf(signer).name : undefined, own: frame.own };
}

/** Only final outcomes are cached: "locked" and "waiting" change as the user acts; keys are cheap. */
const cacheable = (o: Outcome) => o.state === 'text' || o.state === 'damaged' || o.state === 'not-for-you';

/** Forgets every decrypted message: locking must make plaintext unreadable again. */
export async function forgetPlaintext(): Promise<void> {
  memory.clear();
  const stale = Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith('plain:'));
  if (stale.length) await browser.storage.session.remove(stale);
}

handle('message.open', async (_, caller) => {
  const frame = await messageFrame(caller);
  const kr = await keyring();
  if ((await kr.unlocked()).length === 0) {
    await forgetPlaintext();
    return present(await decrypt(frame), frame);
  }
  const key = `plain:${await hash(frame.wire.join('\n'))}`;
  let outcome = memory.get(key) ?? ((await browser.storage.session.get(key))[key] as Outcome | undefined);
  if (!outcome) {
    outcome = await decrypt(frame);
    if (cacheable(outcome)) {
      memory.set(key, outcome);
      await browser.storage.session.set({ [key]: outcome });
    }
  }
  return present(outcome, frame);
});

handle('message.importKey', async ({ confirmKeyChange }, caller) => {
  const frame = await messageFrame(caller);
  const assembled = assemble(frame.wire);
  if ('state' in assembled || assembled.kind !== 'key') throw new HandlerError('not-a-key');
  const kr = await keyring();
  const rendered = await renderKey(assembled.data);
  const confirm = confirmKeyChange && rendered.state === 'key' ? [rendered.fingerprint] : [];
  await kr.importPublic(assembled.data, { confirmKeyChange: confirm });
  const after = await renderKey(assembled.data);
  // "Import and use for this chat": the shared key joins the chat's recipients.
  if (after.state === 'key' && (after.known === 'same' || after.known === 'new')) await addRecipient(frame, after.fingerprint);
  return after;
});

async function addRecipient(frame: MessageFrame, fingerprint: string): Promise<void> {
  const { site, conversation } = frame;
  const binding = await getBinding(site, conversation.id);
  const recipients = [...new Set([...(binding?.recipients ?? []), fingerprint])];
  await setBinding(site, conversation.id, { enabled: true, recipients, title: conversation.title, updated: Date.now() });
}
