/**
 * Decrypt on render, for message frames. Each ciphertext is decrypted and verified once per
 * session: results are cached by the ciphertext's hash in memory and in storage.session (which
 * survives service-worker restarts but not the browser), so rows the site re-renders are free.
 */
import browser from 'webextension-polyfill';
import type { FrameRequest, Rendered } from '@src/protocol';
import { decryptMessage } from '@src/crypto';
import { assembleOutcome, decryptedOutcome, keyOutcome, present, type KnownKey, type Outcome, type Shown } from '@src/render/outcome';
import { getBinding, setBinding } from './bindings';
import { frameOf, provideMessageContent } from './frames';
import { keyring } from './keys';
import { handle, HandlerError, type Caller } from './router';
import { recipientOf } from './compose';
import { session, sessionSnapshot } from './store';
import { SizeBudget, storedSize } from '@src/render/budget';

export type MessageFrame = Extract<FrameRequest, { kind: 'message' }>;
const memory = new Map<string, Outcome>();
/** Decryptions under way, by cache key: the early start and the frame's open share one. */
const running = new Map<string, Promise<Outcome>>();

async function hash(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

async function messageFrame(caller: Caller): Promise<MessageFrame> {
  const { frame } = await frameOf(caller);
  if (frame.kind !== 'message') throw new HandlerError('forbidden');
  return frame;
}

async function knownKeys(): Promise<KnownKey[]> {
  return (await (await keyring()).list()).map((k) => ({ ...k, name: recipientOf(k).name }));
}

/** The one key a decrypted message's display needs: its signer's (listing them all grew with the keyring). */
async function signerKeys(fingerprint: string | undefined): Promise<KnownKey[]> {
  const k = fingerprint ? await (await keyring()).findByFingerprint(fingerprint) : null;
  return k ? [{ ...k, name: recipientOf(k).name }] : [];
}

/** Messages are at most 60,000 characters; anything far bigger is hostile (packet floods are slow). */
const MAX_MESSAGE_BYTES = 1024 * 1024;

async function decrypt(frame: MessageFrame): Promise<Outcome> {
  const assembled = assembleOutcome(frame.wire, MAX_MESSAGE_BYTES);
  if ('state' in assembled) return assembled;
  if (assembled.kind === 'key') return keyOutcome(assembled.data, await knownKeys());
  const kr = await keyring();
  // The locked ones too: a message for a locked key must say "unlock", not "not for you".
  const decryptionKeys = await kr.decryptionCandidates();
  const result = await decryptMessage({ data: assembled.data, decryptionKeys, verificationKeys: await kr.verificationKeys(), maxBytes: MAX_MESSAGE_BYTES });
  return decryptedOutcome(result);
}

/** The signer's trust and the chat's members are looked up on every display: both can change. */
async function show(o: Outcome, frame: MessageFrame): Promise<Shown> {
  if (o.state !== 'text') return o;
  const binding = await getBinding(frame.site, frame.conversation.id);
  return present(o, await signerKeys(o.signer), { own: frame.own, recipients: binding?.recipients ?? null });
}

/** Only final outcomes are cached: "locked" and "waiting" change as the user acts; keys are cheap. */
const cacheable = (o: Outcome) => o.state === 'text' || o.state === 'damaged' || o.state === 'not-for-you';

// Cache writes still on their way, and a count of forgets: a decryption that was running when
// the key was locked must not put its plaintext back into either cache afterwards.
const writing = new Set<Promise<unknown>>();
let forgets = 0;

/**
 * Decrypted messages kept at most (in memory, and the same ones in storage.session): the frames'
 * records and tokens need the rest of the 10 MB. The least recently shown go first.
 */
const PLAIN_BUDGET_BYTES = 3 * 1024 * 1024;
const budget = new SizeBudget(PLAIN_BUDGET_BYTES);
let seeded = false;
/**
 * The decrypted messages earlier workers left in storage.session, once the seed has read them
 * (this worker's own are in memory): a message decrypted for the first time skips a storage read
 * before its decryption, a round trip of 2–12 ms while the page scrolls (issue 7). Null until then.
 */
let earlier: Set<string> | null = null;

function evict(keys: string[]): void {
  for (const k of keys) {
    memory.delete(k);
    earlier?.delete(k);
  }
  if (keys.length) track(session.remove(keys));
}

function track(write: Promise<unknown>): void {
  const w = write.catch(() => undefined);
  writing.add(w);
  void w.finally(() => writing.delete(w));
}

/** What an earlier worker cached counts too: read once per worker, as older than this one's. */
async function seed(): Promise<void> {
  const before = forgets;
  const all = await sessionSnapshot();
  if (forgets !== before) return;
  const found = Object.entries(all).filter(([k]) => k.startsWith('plain:')).map(([k, v]): [string, number] => [k, storedSize(k, v)]);
  earlier = new Set(found.map(([k]) => k));
  evict(budget.addOlder(found));
}

/** Once per worker, from the first message on (the snapshot is the one the frames' sweep reads). */
function seedOnce(): void {
  if (seeded) return;
  seeded = true;
  track(seed());
}

function keep(key: string, outcome: Outcome): void {
  const evicted = budget.add(key, storedSize(key, outcome));
  if (!evicted.includes(key)) {
    memory.set(key, outcome);
    // Only a cache for after a worker restart: the frame need not wait for it.
    track(session.set(key, outcome));
  }
  evict(evicted.filter((k) => k !== key));
  seedOnce();
}

/** Forgets every decrypted message: locking must make plaintext unreadable again. */
export async function forgetPlaintext(): Promise<void> {
  forgets++;
  memory.clear();
  running.clear();
  budget.clear();
  earlier = new Set();
  await Promise.all(writing);
  const stale = Object.keys(await browser.storage.session.get(null)).filter((k) => k.startsWith('plain:'));
  if (stale.length) await session.remove(stale);
}

const cacheKey = async (frame: MessageFrame) => `plain:${await hash(frame.wire.join('\n'))}`;

/** The message's outcome: from a cache, from a decryption already running, or decrypted now. */
async function outcomeOf(frame: MessageFrame, key: string): Promise<Outcome> {
  seedOnce();
  const mayBeStored = !earlier || earlier.has(key);
  const cached = memory.get(key) ?? running.get(key) ?? (mayBeStored ? await session.get<Outcome>(key) : undefined);
  if (cached) {
    budget.touch(key);
    return cached;
  }
  const before = forgets;
  const decrypting = decrypt(frame).then((outcome) => {
    if (cacheable(outcome) && forgets === before) keep(key, outcome);
    return outcome;
  });
  running.set(key, decrypting);
  void decrypting.finally(() => running.get(key) === decrypting && running.delete(key)).catch(() => undefined);
  return decrypting;
}

/** A message's content as shown: the message frame's and the thread frame's. */
export async function openMessage(frame: MessageFrame): Promise<Rendered> {
  const kr = await keyring();
  if ((await kr.unlocked()).length === 0) {
    await forgetPlaintext();
    return show(await decrypt(frame), frame);
  }
  return show(await outcomeOf(frame, await cacheKey(frame)), frame);
}

/** Starts decrypting as soon as the content script asks for a bubble's frame; only while unlocked. */
async function warm(frame: MessageFrame): Promise<void> {
  const kr = await keyring();
  if ((await kr.unlocked()).length) await outcomeOf(frame, await cacheKey(frame));
}

provideMessageContent({
  warm: (frame) => {
    if (frame.kind === 'message') warm(frame).catch(() => undefined);
  },
  open: (frame) => (frame.kind === 'message' ? openMessage(frame) : Promise.reject(new HandlerError('forbidden'))),
});

handle('message.open', async (_, caller) => openMessage(await messageFrame(caller)));

handle('message.importKey', async ({ confirmKeyChange }, caller) => importSharedKey(await messageFrame(caller), !!confirmKeyChange));

/** Imports the key shared in a message (the user pressed its button), and adds it to the chat. */
export async function importSharedKey(frame: MessageFrame, confirmKeyChange: boolean): Promise<Rendered> {
  const assembled = assembleOutcome(frame.wire);
  if ('state' in assembled || assembled.kind !== 'key') throw new HandlerError('not-a-key');
  const kr = await keyring();
  const rendered = await keyOutcome(assembled.data, await knownKeys());
  const confirm = confirmKeyChange && rendered.state === 'key' ? [rendered.fingerprint] : [];
  await kr.importPublic(assembled.data, { confirmKeyChange: confirm });
  const after = await keyOutcome(assembled.data, await knownKeys());
  // "Import and use for this chat": the shared key joins the chat's recipients.
  if (after.state === 'key' && (after.known === 'same' || after.known === 'new')) await addRecipient(frame, after.fingerprint);
  return after;
}

async function addRecipient(frame: MessageFrame, fingerprint: string): Promise<void> {
  const { site, conversation } = frame;
  const binding = await getBinding(site, conversation.id);
  const recipients = [...new Set([...(binding?.recipients ?? []), fingerprint])];
  await setBinding(site, conversation.id, { enabled: true, recipients, title: conversation.title, updated: Date.now() });
}
