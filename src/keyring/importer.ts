import type * as openpgp from 'openpgp';
import { KeyringError } from './errors';
import { emailsOf, fingerprintOf, isBroken } from './info';
import { merge } from './manage';
import type { KeyChange, StoredKeyring } from './types';

export type Outcome = 'imported' | 'updated' | 'unchanged' | 'skipped';

export interface ImportPlan {
  ring: StoredKeyring; // the keyring to write; the input ring is left untouched
  outcomes: Array<{ fingerprint: string; outcome: Outcome; key: openpgp.Key }>;
  keyChanges: KeyChange[];
  /** Own keys whose public data changed: their unlocked copies must take the same merge. */
  merged: openpgp.Key[];
}

export interface PlanOptions {
  own: boolean; // incoming keys are the user's own (private) keys
  confirm: ReadonlySet<string>;
  date: Date;
  read: (armored: string) => Promise<openpgp.Key>;
}

/**
 * Works out the whole import in memory: merges into keys with the same fingerprint, holds back
 * unconfirmed key changes, and makes the first own key the default. Nothing is written here.
 */
export async function planImport(ring: StoredKeyring, incoming: openpgp.Key[], o: PlanOptions): Promise<ImportPlan> {
  const next: StoredKeyring = structuredClone(ring);
  const plan: ImportPlan = { ring: next, outcomes: [], keyChanges: [], merged: [] };
  // Emails of keys present before this import; keys arriving together do not conflict with each other.
  const known = await Promise.all(ring.keys.map(async (k) => ({ fpr: k.fingerprint, emails: emailsOf(await o.read(k.armored)) })));

  for (const key of await dedupe(incoming, o.date)) {
    const fpr = fingerprintOf(key);
    const existing = next.keys.find((k) => k.fingerprint === fpr);
    if (existing) {
      const old = await o.read(existing.armored);
      // A private key merges with the secret material in the lead, whichever side holds it.
      const merged = key.isPrivate() && !old.isPrivate() ? await merge(key, old, o.date) : await merge(old, key, o.date);
      const armored = merged.armor();
      const becameOwn = o.own && !existing.own;
      const outcome: Outcome = armored !== existing.armored || becameOwn ? 'updated' : 'unchanged';
      if (existing.own && !key.isPrivate() && outcome === 'updated') plan.merged.push(key);
      existing.armored = armored;
      existing.own ||= o.own;
      plan.outcomes.push({ fingerprint: fpr, outcome, key: merged });
      continue;
    }
    if (await isBroken(key, o.date)) throw new KeyringError('invalid', fpr);
    if (!o.own) {
      const changes = known.flatMap(({ fpr: oldFpr, emails }) =>
        emailsOf(key).filter((e) => emails.includes(e)).map((email) => ({ email, oldFingerprint: oldFpr, newFingerprint: fpr })));
      if (changes.length > 0) {
        const confirmed = o.confirm.has(fpr);
        plan.keyChanges.push(...changes.map((c) => ({ ...c, confirmed })));
        if (!confirmed) {
          plan.outcomes.push({ fingerprint: fpr, outcome: 'skipped', key });
          continue;
        }
      }
    }
    next.keys.push({ fingerprint: fpr, armored: key.armor(), own: o.own, verified: false });
    plan.outcomes.push({ fingerprint: fpr, outcome: 'imported', key });
  }
  if (next.defaultKey === null) next.defaultKey = next.keys.find((k) => k.own)?.fingerprint ?? null;
  return plan;
}

/** The same key twice in one input (e.g. two versions pasted together) becomes one merged key. */
async function dedupe(keys: openpgp.Key[], date: Date): Promise<openpgp.Key[]> {
  const byFpr = new Map<string, openpgp.Key>();
  for (const k of keys) {
    const fpr = fingerprintOf(k);
    const seen = byFpr.get(fpr);
    if (!seen) byFpr.set(fpr, k);
    else if (seen.isPrivate() !== k.isPrivate()) throw new KeyringError('not-a-key', `${fpr} both public and private`);
    else byFpr.set(fpr, await merge(seen, k, date));
  }
  return [...byFpr.values()];
}
