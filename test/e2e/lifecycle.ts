/**
 * Teardown for the whole run. Browsers and the server are shared by every test file, so they are
 * closed when the vitest worker stops (see runner.ts), not after a file. The registry lives on
 * globalThis because the runner and the test files may load this module separately.
 */
import { rmSync } from 'node:fs';
import { killAll } from './procs';

function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  } catch (err) {
    console.error(`e2e teardown: could not remove ${dir}:`, err);
  }
}

interface Registry {
  closers: Map<string, () => Promise<void>>;
  /** What the exit hook must still kill and delete if close() never ran. */
  leftovers: Map<string, { pids: () => number[]; dirs: string[] }>;
  hooked: boolean;
}

const KEY = Symbol.for('mantle.e2e.lifecycle');
const g = globalThis as unknown as { [KEY]?: Registry };
const registry: Registry = (g[KEY] ??= { closers: new Map(), leftovers: new Map(), hooked: false });

/** Registers (or replaces) what to close at the end of the run under `key`. */
export function onTeardown(
  key: string,
  close: () => Promise<void>,
  leftovers?: { pids: () => number[]; dirs?: string[] },
): void {
  registry.closers.set(key, close);
  if (leftovers) registry.leftovers.set(key, { pids: leftovers.pids, dirs: leftovers.dirs ?? [] });
  if (!registry.hooked) {
    registry.hooked = true;
    // Synchronous last resort when the worker exits without a teardown (crash, process.exit).
    process.on('exit', () => {
      for (const { pids, dirs } of registry.leftovers.values()) {
        killAll(pids());
        for (const d of dirs) removeDir(d);
      }
    });
  }
}

export function forgetTeardown(key: string): void {
  registry.closers.delete(key);
  registry.leftovers.delete(key);
}

/** Closes everything registered; safe to call more than once. Browsers first, the server last. */
export async function teardownAll(): Promise<void> {
  const entries = [...registry.closers.entries()];
  registry.closers.clear();
  const last = entries.filter(([k]) => k === 'server');
  const first = entries.filter(([k]) => k !== 'server');
  const run = async (list: typeof entries) => {
    const results = await Promise.allSettled(list.map(([, close]) => close()));
    for (const r of results) if (r.status === 'rejected') console.error('e2e teardown:', r.reason);
  };
  await run(first);
  await run(last);
  for (const [k, { pids, dirs }] of [...registry.leftovers.entries()]) {
    killAll(pids());
    for (const d of dirs) removeDir(d);
    registry.leftovers.delete(k);
  }
}
