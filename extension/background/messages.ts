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
import { frameOf } from './frames';
import { keyring } from './keys';
import { handle, HandlerError, type Caller } from './router';
import { recipientOf } from './compose';

type MessageFrame = Extract<FrameRequest, { kind: 'message' }>;
const memory = new Map<string, Rendered>();

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
function assemble(wire: string[]): { kind: 'msg' | 'key'; data: Uint8Array | string } | Rendered {
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

async function renderKey(data: Uint8Array | string): Promise<Rendered> {
  const key = typeof data === 'string' ? await openpgp.readKey({ armoredKey: data }) : await openpgp.readKey({ binaryKey: data });
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

async function render(frame: MessageFrame): Promise<Rendered> {
  const assembled = assemble(frame.wire);
  if ('state' in assembled) return assembled;
  if (assembled.kind === 'key') return renderKey(assembled.data);
  const kr = await keyring();
  const decryptionKeys = await kr.decryptionKeys();
  const keys = await kr.list();
  const result = await decryptMessage({ data: assembled.data, decryptionKeys, verificationKeys: await kr.verificationKeys() });
  if (!result.ok) {
    if (result.error === 'locked' || (result.error === 'not-for-you' && !decryptionKeys.length && keys.some((k) => k.own))) return { state: 'locked' };
    if (result.error === 'not-for-you') return { state: 'not-for-you' };
    return { state: 'damaged', detail: result.error };
  }
  const sig = result.signature;
  const signer = sig.signerFingerprint ? keys.find((k) => k.fingerprint === sig.signerFingerprint) : undefined;
  const signature =
    sig.status === 'valid' ? (signer?.verified || signer?.own ? 'verified' : 'unverified')
    : sig.status === 'invalid' ? 'bad'
    : sig.status === 'unknown-signer' ? 'unknown-signer'
    : 'unsigned';
  return { state: 'text', text: result.text, signature, signer: signer ? recipientOf(signer).name : undefined, own: frame.own };
}

/** Only final outcomes are cached: "locked" and "waiting" change as the user acts. */
const cacheable = (r: Rendered) => r.state === 'text' || r.state === 'damaged' || r.state === 'not-for-you';

handle('message.open', async (_, caller) => {
  const frame = await messageFrame(caller);
  const key = `plain:${await hash(frame.wire.join('\n'))}`;
  const cached = memory.get(key) ?? ((await browser.storage.session.get(key))[key] as Rendered | undefined);
  if (cached) return cached;
  const rendered = await render(frame);
  if (cacheable(rendered)) {
    memory.set(key, rendered);
    await browser.storage.session.set({ [key]: rendered });
  }
  return rendered;
});

handle('message.importKey', async ({ confirmKeyChange }, caller) => {
  const frame = await messageFrame(caller);
  const assembled = assemble(frame.wire);
  if ('state' in assembled || assembled.kind !== 'key') throw new HandlerError('not-a-key');
  const kr = await keyring();
  const rendered = await renderKey(assembled.data);
  const confirm = confirmKeyChange && rendered.state === 'key' ? [rendered.fingerprint] : [];
  await kr.importPublic(assembled.data, { confirmKeyChange: confirm });
  return renderKey(assembled.data);
});
