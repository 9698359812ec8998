import * as openpgp from 'openpgp';
import type { KeyInput } from './armor';
import { KeyringError } from './errors';
import { planImport, type Outcome } from './importer';
import { emailsOf, fingerprintOf, keyInfo, normalizeHex } from './info';
import { findRemote, LOOKUP_TIMEOUT_MS, parseQuery } from './lookup';
import * as manage from './manage';
import { parseKeys } from './parse';
import { Store } from './store';
import type { Area, ImportReport, KeyInfo, LookupResult, Progress, ProgressOp, ProgressPhase, StoredKey, StoredKeyring } from './types';

export interface KeyringOptions {
  local: Area; // persistent: browser.storage.local
  session: Area; // memory that survives a service-worker restart: browser.storage.session
  now?: () => Date;
  fetch?: typeof fetch;
  onProgress?: (p: Progress) => void;
  lookupTimeoutMs?: number;
}

/** How long a key's computed details (status, expiry) are reused: statuses change by the minute at most. */
const INFO_TTL_MS = 60_000;

/** Reading, importing and looking up keys; Keyring adds own-key management and locking. */
export class KeyringBase {
  protected readonly store: Store;
  protected readonly now: () => Date;
  private readonly fetchFn: typeof fetch;
  private readonly onProgress: (p: Progress) => void;
  private readonly timeoutMs: number;
  private readonly parsed = new Map<string, openpgp.Key>();
  private readonly infos = new Map<string, { at: number; info: KeyInfo }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(o: KeyringOptions) {
    this.store = new Store(o.local, o.session);
    this.now = o.now ?? (() => new Date());
    // Unbound, window.fetch throws "Illegal invocation" in browsers.
    this.fetchFn = o.fetch ?? globalThis.fetch.bind(globalThis);
    this.onProgress = o.onProgress ?? (() => {});
    this.timeoutMs = o.lookupTimeoutMs ?? LOOKUP_TIMEOUT_MS;
  }

  // ---- reading

  async list(): Promise<KeyInfo[]> {
    const ring = await this.store.load();
    return Promise.all(ring.keys.map((k) => this.info(ring, k)));
  }

  async findByEmail(email: string): Promise<KeyInfo[]> {
    const want = email.trim().toLowerCase();
    const ring = await this.store.load();
    const out: KeyInfo[] = [];
    for (const k of ring.keys) if (emailsOf(await this.read(k.armored)).includes(want)) out.push(await this.info(ring, k));
    return out;
  }

  /** By fingerprint or key ID of the primary key or of any subkey (signatures name their subkey). */
  async findByFingerprint(id: string): Promise<KeyInfo | null> {
    const want = normalizeHex(id);
    const ring = await this.store.load();
    // A primary fingerprint (a verified signer's, for every message shown) needs no key parsed.
    const direct = ring.keys.find((k) => k.fingerprint === want);
    if (direct) return this.info(ring, direct);
    for (const k of ring.keys) {
      const key = await this.read(k.armored);
      const ids = [key, ...key.subkeys].flatMap((s) => [s.getFingerprint().toUpperCase(), s.getKeyID().toHex().toUpperCase()]);
      if (ids.includes(want)) return this.info(ring, k);
    }
    return null;
  }

  async exportPublic(fpr: string): Promise<string> {
    const { key } = await this.get(fpr);
    return key.toPublic().armor();
  }

  /** The stored armored private key, still protected by its passphrase. */
  async exportPrivate(fpr: string): Promise<string> {
    const { stored } = await this.get(fpr, true);
    return stored.armored;
  }

  // ---- import and lookup

  importPublic(input: KeyInput, o: { confirmKeyChange?: string[] } = {}): Promise<ImportReport> {
    return this.exclusive(async () => {
      this.progress('import', 'parse');
      const keys = await parseKeys(input, 'public');
      const report = await this.applyImport(keys, false, (o.confirmKeyChange ?? []).map(normalizeHex), {});
      this.progress('import', 'done');
      return report;
    });
  }

  /** Imports own keys; they are checked against the passphrase, stored protected, and left unlocked. */
  importPrivate(input: KeyInput, passphrase: string): Promise<ImportReport> {
    return this.exclusive(async () => {
      this.progress('import', 'parse');
      const keys = (await parseKeys(input, 'private')) as openpgp.PrivateKey[];
      const protectedKeys: openpgp.PrivateKey[] = [];
      const unlocked: Record<string, string> = {};
      for (const [i, key] of keys.entries()) {
        this.progress('import', 'decrypt', i, keys.length);
        const decrypted = await manage.decrypt(key, passphrase);
        protectedKeys.push(decrypted === key ? await manage.protect(key, passphrase) : key);
        unlocked[fingerprintOf(key)] = decrypted.armor();
      }
      const report = await this.applyImport(protectedKeys, true, [], unlocked);
      this.progress('import', 'done');
      return report;
    });
  }

  /** Candidates from WKD (advanced, then direct) or keys.openpgp.org; nothing is imported. */
  async lookup(query: string): Promise<LookupResult[]> {
    const q = parseQuery(query);
    this.progress('lookup', 'fetch');
    const found = await findRemote(q, this.fetchFn, this.timeoutMs);
    this.progress('lookup', 'done');
    if (!found) return [];
    const ring = await this.store.load();
    return Promise.all(found.keys.map(async (key) => {
      const stored = ring.keys.find((k) => k.fingerprint === fingerprintOf(key));
      const info = await keyInfo(key, { own: false, verified: stored?.verified ?? false, isDefault: false }, this.now());
      return { key: info, armored: key.armor(), source: found.source, known: !!stored };
    }));
  }

  // ---- helpers shared with the subclass

  protected exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  protected progress(op: ProgressOp, phase: ProgressPhase, done?: number, total?: number): void {
    try {
      this.onProgress(done === undefined ? { op, phase } : { op, phase, done, total });
    } catch { /* a broken listener must not break the operation */ }
  }

  /** Parses a stored key, cached; never used for unlocked keys, so no secret stays here after lock(). */
  protected async read(armored: string): Promise<openpgp.Key> {
    let key = this.parsed.get(armored);
    if (!key) {
      key = await openpgp.readKey({ armoredKey: armored });
      if (this.parsed.size > 1000) this.parsed.clear();
      this.parsed.set(armored, key);
    }
    return key;
  }

  /**
   * Key details, remembered for a minute: working out a key's status verifies its self-signatures,
   * and the background lists the keys for every message it shows.
   */
  protected async info(ring: StoredKeyring, k: StoredKey): Promise<KeyInfo> {
    const flags = { own: k.own, verified: k.verified, isDefault: ring.defaultKey === k.fingerprint };
    const id = `${flags.own}${flags.verified}${flags.isDefault}${k.armored}`;
    const now = this.now();
    const hit = this.infos.get(id);
    if (hit && Math.abs(now.getTime() - hit.at) < INFO_TTL_MS) return structuredClone(hit.info);
    const info = await keyInfo(await this.read(k.armored), flags, now);
    if (this.infos.size > 1000) this.infos.clear();
    this.infos.set(id, { at: now.getTime(), info });
    return structuredClone(info);
  }

  protected async get(fpr: string, own = false): Promise<{ ring: StoredKeyring; stored: StoredKey; key: openpgp.Key }> {
    const ring = await this.store.load();
    const want = normalizeHex(fpr);
    const stored = ring.keys.find((k) => k.fingerprint === want);
    if (!stored) throw new KeyringError('not-found', want);
    if (own && !stored.own) throw new KeyringError('not-own', want);
    return { ring, stored, key: await this.read(stored.armored) };
  }

  protected async getOwn(fpr: string): Promise<{ ring: StoredKeyring; stored: StoredKey; key: openpgp.PrivateKey }> {
    const r = await this.get(fpr, true);
    return { ...r, key: r.key as openpgp.PrivateKey };
  }

  private async applyImport(keys: openpgp.Key[], own: boolean, confirm: string[], unlocked: Record<string, string>): Promise<ImportReport> {
    const ring = await this.store.load();
    const date = this.now();
    const plan = await planImport(ring, keys, { own, confirm: new Set(confirm), date, read: (a) => this.read(a) });
    const session = await this.store.unlockedMap();
    for (const source of plan.merged) {
      const fpr = fingerprintOf(source);
      const copy = session[fpr];
      if (copy) session[fpr] = (await manage.merge(await openpgp.readKey({ armoredKey: copy }), source, date)).armor();
    }
    this.progress('import', 'store');
    await this.store.save(plan.ring);
    await this.store.setUnlocked({ ...session, ...unlocked });
    if (Object.keys(unlocked).length > 0) await this.store.setActivity(date.getTime());
    const report: ImportReport = { imported: [], updated: [], unchanged: [], skipped: [], keyChanges: plan.keyChanges };
    const lists: Record<Outcome, KeyInfo[]> = report;
    for (const { fingerprint, outcome, key } of plan.outcomes) {
      const stored = plan.ring.keys.find((k) => k.fingerprint === fingerprint);
      lists[outcome].push(stored
        ? await this.info(plan.ring, stored)
        : await keyInfo(key, { own: false, verified: false, isDefault: false }, date));
    }
    return report;
  }
}
