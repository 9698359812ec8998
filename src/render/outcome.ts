/**
 * What a message bubble shows, from its wire texts: decode → decrypt → display state. Pure (no
 * browser APIs), so the background and the Node robustness tests run the very same mapping.
 * Every failure becomes a state the frame can name; nothing here throws.
 */
import * as openpgp from 'openpgp';
import type { Rendered } from '../protocol';
import type { Decrypted } from '../crypto';
import { assembleWire } from '../wire';

export type NotText = Exclude<Rendered, { state: 'text' }>;
type Text = Extract<Rendered, { state: 'text' }>;

/**
 * A decrypted message whose valid signature comes from a contact this chat is not bound to (one
 * of the user's contacts, but not one of the chat's recipients): forwarded, or replayed from
 * another chat. The text is shown, with a loud warning. Which side a bubble is on is not used:
 * the sites only hint at it, and a wrong guess would cry wolf on the user's own messages.
 */
export type Shown = Rendered | (Text & { sentBy: 'other-contact' });

/** What decryption found; the signer's trust and the chat are looked up fresh on each display. */
export type Outcome =
  | { state: 'text'; text: string; status: 'valid' | 'invalid' | 'unknown-signer' | 'unsigned'; signer?: string }
  | NotText;

/** The keyring's view of a key, as much as the display needs. */
export interface KnownKey { fingerprint: string; name: string; email: string; own: boolean; verified: boolean }

/** Joins a bubble group's parts into one OpenPGP message or key, or says what is missing. */
export function assembleOutcome(wire: string[], maxBytes = Infinity): { kind: 'msg' | 'key'; data: Uint8Array | string } | NotText {
  // Base64 is 4 characters per 3 bytes: a far too long message is refused before it is decoded.
  if (wire.reduce((n, w) => n + w.length, 0) * 3 / 4 > maxBytes + 1024 * wire.length) return { state: 'damaged', detail: 'too-large' };
  try {
    const a = assembleWire(wire);
    if ('error' in a) return { state: 'damaged', detail: a.error };
    if ('waiting' in a) {
      const { have, total } = a.waiting;
      let missing = 1;
      while (have.includes(missing)) missing++;
      return { state: 'waiting', missing, total };
    }
    return a;
  } catch {
    return { state: 'damaged', detail: 'malformed' };
  }
}

/** decryptMessage's result as a display outcome. */
export function decryptedOutcome(result: Decrypted): Outcome {
  if (!result.ok) {
    if (result.error === 'locked') return { state: 'locked' };
    if (result.error === 'not-for-you') return { state: 'not-for-you' };
    return { state: 'damaged', detail: result.error };
  }
  return { state: 'text', text: result.text, status: result.signature.status, signer: result.signature.signerFingerprint };
}

/** A shared public key: who it claims to be and how it relates to the keyring. */
export async function keyOutcome(data: Uint8Array | string, known: KnownKey[]): Promise<NotText> {
  try {
    const key = await (typeof data === 'string' ? openpgp.readKey({ armoredKey: data }) : openpgp.readKey({ binaryKey: data }));
    if (key.isPrivate()) return { state: 'damaged', detail: 'private-key' };
    const fingerprint = key.getFingerprint().toUpperCase();
    const user = (await key.getPrimaryUser().catch(() => null))?.user.userID;
    // A user ID openpgp cannot split into name and address is still shown, as text.
    const name = user?.name || user?.email || user?.userID || fingerprint;
    const same = known.find((k) => k.fingerprint === fingerprint);
    const email = user?.email?.toLowerCase();
    const changed = !same && email && known.some((k) => !k.own && k.email?.toLowerCase() === email);
    return { state: 'key', name, fingerprint, known: same?.own ? 'own' : same ? 'same' : changed ? 'changed' : 'new' };
  } catch {
    return { state: 'damaged', detail: 'bad-key' };
  }
}

export interface ChatContext {
  /** The bubble is on the user's own side of the chat. */
  own: boolean;
  /** Fingerprints the chat is bound to (null: the chat was never set up, nothing to compare). */
  recipients: string[] | null;
}

/** The display state of an outcome, with the signer's current trust and the chat's membership. */
export function present(o: Outcome, known: KnownKey[], chat: ChatContext): Shown {
  if (o.state !== 'text') return o;
  const signer = o.signer ? known.find((k) => k.fingerprint === o.signer) : undefined;
  const signature =
    o.status === 'valid' ? (signer?.verified || signer?.own ? 'verified' : 'unverified')
    : o.status === 'invalid' ? 'bad'
    : o.status;
  const shown: Text = { state: 'text', text: o.text, signature, signer: signer ? signer.name || signer.email || signer.fingerprint : undefined, own: chat.own };
  if (o.status !== 'valid' || !signer) return shown;
  const outsider = !signer.own && chat.recipients !== null && !chat.recipients.includes(signer.fingerprint);
  return outsider ? { ...shown, sentBy: 'other-contact' } : shown;
}
