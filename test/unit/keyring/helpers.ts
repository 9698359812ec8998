import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Keyring, type Area, type KeyringOptions, type Progress } from '../../../src/keyring';

/** An Area in memory that, like browser.storage, stores copies rather than references. */
export class MemoryArea implements Area {
  readonly data = new Map<string, unknown>();
  async get(key: string): Promise<unknown> {
    const v = this.data.get(key);
    return v === undefined ? undefined : structuredClone(v);
  }
  async set(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
  }
  async remove(key: string): Promise<void> {
    this.data.delete(key);
  }
}

export interface Harness {
  kr: Keyring;
  local: MemoryArea;
  session: MemoryArea;
  clock: { now: Date };
  progress: Progress[];
  /** A new Keyring on the same storage: what a restarted service worker gets. */
  restart(): Keyring;
}

export function harness(extra: Partial<KeyringOptions> = {}): Harness {
  const local = new MemoryArea();
  const session = new MemoryArea();
  const clock = { now: new Date() };
  const progress: Progress[] = [];
  const make = () => new Keyring({ local, session, now: () => clock.now, onProgress: (p) => progress.push(p), ...extra });
  return { kr: make(), local, session, clock, progress, restart: make };
}

const FIXTURES = fileURLToPath(new URL('../../fixtures/keys/', import.meta.url));
export const fixture = (name: string): string => readFileSync(FIXTURES + name, 'utf8');
export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + name));
export const FIXTURE_PASSPHRASE = 'fixture-passphrase';

/** A snapshot of everything stored, to assert that a failed operation changed nothing. */
export function snapshot(h: Harness): string {
  return JSON.stringify([[...h.local.data], [...h.session.data]]);
}
