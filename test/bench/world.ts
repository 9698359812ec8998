/**
 * The benchmark's world: the local replicas, Alice's Chromium profile with the built extension,
 * and two key pairs made in Node. Alice's profile holds her secret key (unlocked) and Bob's
 * public key, verified; Bob has no browser: his messages are made in Node and injected.
 */
import * as openpgp from 'openpgp';
import { encryptMessage } from '../../src/crypto';
import { encodeWire } from '../../src/wire';
import { relay, server, user, type User } from '../e2e/harness';
import { ask, openOptions, resetProfile, UI_PASS } from '../e2e/keys/options';
import type { ChromiumSession } from '../e2e/browsers/chromium';

export const PASS = UI_PASS;
/** Messenger's 1:1 and group threads of the replicas (docs/testing.md). */
export const THREAD = '7720540997985648';
export const OTHER_THREAD = '7720540997985649';
/** Messenger's part size (src/sites/messenger maxMessageLength). */
const MAX_CHARS = 18000;

export interface Person { name: string; email: string; priv: openpgp.PrivateKey; pub: openpgp.PublicKey; armoredPriv: string; armoredPub: string }

async function person(name: string, email: string): Promise<Person> {
  const k = await openpgp.generateKey({
    type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name, email }], passphrase: PASS, format: 'object', config: { v6Keys: false },
  });
  const priv = await openpgp.decryptKey({ privateKey: k.privateKey, passphrase: PASS });
  return { name, email, priv, pub: k.publicKey, armoredPriv: k.privateKey.armor(), armoredPub: k.publicKey.armor() };
}

export interface World { alice: User; me: Person; bob: Person }

export async function world(): Promise<World> {
  await server();
  const [me, bob] = await Promise.all([person('Alice Smith', 'alice@example.org'), person('Bob Jones', 'bob@example.org')]);
  const alice = await user('alice');
  await resetProfile(alice);
  const tab = await openOptions(alice);
  await ask(tab, 'keys.importPrivate', { input: { text: me.armoredPriv }, passphrase: PASS });
  await ask(tab, 'keys.importPublic', { input: { text: bob.armoredPub } });
  await ask(tab, 'keys.setVerified', { fingerprint: bob.pub.getFingerprint().toUpperCase(), verified: true });
  await ask(tab, 'keys.unlock', { passphrase: PASS });
  await tab.close();
  return { alice, me, bob };
}

export const chromium = (u: User): ChromiumSession => u.session as ChromiumSession;

/** Chat-like texts of varied length, the same on every run. */
export function texts(n: number, seed: string): string[] {
  const words = 'the a meeting tomorrow at noon see you there ok thanks 👍 can we move it to friday? sure sounds good I will bring the documents, call me when you land'.split(' ');
  const out: string[] = [];
  let x = [...seed].reduce((a, c) => (a * 31 + c.charCodeAt(0)) >>> 0, 7);
  for (let i = 0; i < n; i++) {
    const len = 3 + (x % 30);
    const w: string[] = [];
    for (let j = 0; j < len; j++) {
      x = (x * 1103515245 + 12345) >>> 0;
      w.push(words[x % words.length]!);
    }
    out.push(`${seed} ${i + 1}: ${w.join(' ')}`);
  }
  return out;
}

export interface Conversation { wire: string[]; binaries: Uint8Array[]; plain: string[]; from: string[] }

/** `n` encrypted, signed 1:1 messages as the two phones would have sent them, mostly from Bob. */
export async function conversation(w: World, n: number, seed: string): Promise<Conversation> {
  const plain = texts(n, seed);
  const c: Conversation = { wire: [], binaries: [], plain, from: [] };
  for (const [i, text] of plain.entries()) {
    const fromBob = i % 3 !== 2;
    const signer = fromBob ? w.bob : w.me;
    const binary = await encryptMessage({ text, encryptionKeys: [w.me.pub, w.bob.pub], signingKey: signer.priv });
    const parts = encodeWire('msg', binary, MAX_CHARS);
    if (parts.length !== 1) throw new Error('bench messages must fit one part');
    c.wire.push(parts[0]!);
    c.binaries.push(binary);
    c.from.push(fromBob ? 'bob' : 'alice');
  }
  return c;
}

/** Replaces the 1:1 thread's history with `c`. */
export function seed(c: Conversation): void {
  relay().reset();
  c.wire.forEach((text, i) => relay().inject('messenger', THREAD, c.from[i]!, text));
}
