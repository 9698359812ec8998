/**
 * The bad-input corpus (test/fixtures/bad/*.json, made by make.ts there) and the pipeline every
 * input goes through: the bubble's wire texts → decode → decrypt → display state, with the same
 * pure functions the background uses (src/render/outcome.ts). The viewer is Wire Bob in his chat
 * with Wire Alice; his keyring also holds Carol (verified, not in this chat).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as openpgp from 'openpgp';
import { decryptMessage } from '../../../src/crypto';
import { assembleOutcome, decryptedOutcome, keyOutcome, present, type KnownKey, type Shown } from '../../../src/render/outcome';
import { parseWire } from '../../../src/wire';
import { fixture } from '../crypto/helpers';

export const CORPUS_DIR = join(import.meta.dirname, '../../fixtures/bad');

export const HTML = '<img src=x onerror="globalThis.__pwned=1"><script>globalThis.__pwned=2</script><b>bold?</b> **markdown** [click](javascript:alert(1)) &lt;entity&gt; <iframe srcdoc="<script>parent.__pwned=3</script>"></iframe>';
export const BIDI = 'invoice\u202Egnp.exe pay\u200Bpal \u2066isolated\u2069 \uFEFFbom \u202Dforced\u202C ok\u200D\u{1F468}\u200D\u{1F469}';

export interface BadCase {
  name: string;
  /** The issue's list item this input stands for. */
  covers: string;
  wire: string[];
  /** The bubble is on the viewer's own side. */
  own?: boolean;
  expect: { state: Shown['state'] | 'ignored'; detail?: string; signature?: string; sentBy?: string; text?: string; missing?: number; total?: number; known?: string };
}

export type Bubble = Shown | { state: 'ignored' };

export function loadCorpus(): BadCase[] {
  return readdirSync(CORPUS_DIR).filter((f) => f.endsWith('.json')).sort()
    .map((f) => JSON.parse(readFileSync(join(CORPUS_DIR, f), 'utf8')) as BadCase);
}

const bad = (name: string) => readFileSync(join(CORPUS_DIR, 'keys', `${name}.sec.asc`), 'utf8');

export async function corpusKeys() {
  const read = (armoredKey: string) => openpgp.readPrivateKey({ armoredKey });
  return {
    alice: await read(fixture('wire-alice.sec.asc')),
    bob: await read(fixture('wire-bob.sec.asc')),
    carol: await read(bad('carol')),
    mallory: await read(bad('mallory')),
    dave: await read(bad('dave')),
  };
}

export interface Viewer {
  decryptionKeys: openpgp.PrivateKey[];
  verificationKeys: openpgp.PublicKey[];
  known: KnownKey[];
  /** The chat's bound recipients. */
  recipients: string[];
}

const info = (k: openpgp.Key, own: boolean): KnownKey => ({ fingerprint: k.getFingerprint().toUpperCase(), name: k.getUserIDs()[0] ?? '', email: '', own, verified: true });

/** Bob's keyring: his own key, Alice and Carol verified; the chat is bound to Alice. */
export async function bobViewer(): Promise<Viewer> {
  const { alice, bob, carol } = await corpusKeys();
  return {
    decryptionKeys: [bob],
    verificationKeys: [bob.toPublic(), alice.toPublic(), carol.toPublic()],
    known: [info(bob, true), info(alice, false), info(carol, false)],
    recipients: [info(alice, false).fingerprint],
  };
}

/** Messages in the background are bounded at 1 MiB (extension/background/messages.ts). */
export const MAX_BYTES = 1024 * 1024;

/** What the bubble shows for these wire texts. A bubble that is not Mantle's is left alone. */
export async function bubble(wire: string[], viewer: Viewer, own = false): Promise<Bubble> {
  if (wire.length === 0 || parseWire(wire[0]!) === null) return { state: 'ignored' };
  const assembled = assembleOutcome(wire, MAX_BYTES);
  if ('state' in assembled) return assembled;
  if (assembled.kind === 'key') return keyOutcome(assembled.data, viewer.known);
  const result = await decryptMessage({ data: assembled.data, decryptionKeys: viewer.decryptionKeys, verificationKeys: viewer.verificationKeys, maxBytes: MAX_BYTES });
  return present(decryptedOutcome(result), viewer.known, { own, recipients: viewer.recipients });
}

/** The states a bubble may end in: each one has its own wording in the message frame. */
export const CLEAR_STATES = new Set(['ignored', 'text', 'key', 'waiting', 'locked', 'not-for-you', 'damaged']);
