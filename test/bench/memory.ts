/**
 * The browser's total memory: the proportional set size (PSS, so shared pages are not counted
 * twice) of every process of one browser profile, from /proc. Two fresh profiles, one with Mantle
 * and one without, show the same thread.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as pw, type BrowserContext, type Page } from 'playwright-core';
import { executable } from '../e2e/env';
import { server } from '../e2e/harness';
import { processesUsing } from '../e2e/procs';
import { ask } from '../e2e/keys/options';
import { PwTab } from '../e2e/tab';
import { OTHER_THREAD, THREAD } from './world';

/** The processes whose command line names the profile, and all their descendants. */
function tree(profile: string): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* exited */ }
  }
  const found = new Set(processesUsing(profile));
  for (let grew = true; grew;) {
    grew = false;
    for (const [pid, ppid] of parent) if (!found.has(pid) && found.has(ppid)) { found.add(pid); grew = true; }
  }
  return [...found];
}

/** What a process is, for the breakdown: the browser, the extension's, page renderers, the GPU, the rest. */
export type Kind = 'browser' | 'extension' | 'pages' | 'gpu' | 'other';

function kindOf(cmd: string): Kind {
  const type = /--type=(\S+)/.exec(cmd)?.[1];
  if (!type) return 'browser';
  if (type === 'renderer') return cmd.includes('--extension-process') ? 'extension' : 'pages';
  return type === 'gpu-process' ? 'gpu' : 'other';
}

/** MB of PSS over the profile's processes, in all and by kind. */
export function pssMB(profile: string): { mb: number; processes: number; kinds: Record<Kind, number> } {
  let kb = 0;
  const pids = tree(profile);
  const kinds: Record<Kind, number> = { browser: 0, extension: 0, pages: 0, gpu: 0, other: 0 };
  for (const pid of pids) {
    try {
      const pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      kb += pss;
      // Chromium rewrites its process title, so read the flags out of the whole command line.
      kinds[kindOf(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' '))] += pss / 1024;
    } catch { /* exited */ }
  }
  return { mb: kb / 1024, processes: pids.length, kinds };
}

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Each profile sees the chat once, this long, before the measured open. */
export const WARM_MS = 2000;

/**
 * Memory right after the thread was shown, and once it settled (SETTLE_MS later): a scroll through
 * hundreds of bubbles leaves garbage (in the thread frame's document and the page), which the
 * browser collects over the next seconds. The first figure is what the target is checked on; the
 * second says how much of it is held.
 */
export interface Memory { mb: number; settledMb: number; processes: number; kinds: Record<Kind, number> }
export const SETTLE_MS = 30_000;

export async function memoryOf(profile: string): Promise<Memory> {
  await settle(3000);
  const { mb, processes, kinds } = pssMB(profile);
  await settle(SETTLE_MS - 3000);
  return { mb, settledMb: pssMB(profile).mb, processes, kinds };
}

/** Mantle's keys for its profile: Alice's secret key (unlocked), Bob's public key, verified. */
export interface Keys { priv: string; pub: string; fingerprint: string; passphrase: string }

/**
 * The thread in a fresh Chromium profile, with Mantle (`mantle`) or without, seen and opened the
 * same way in both; its memory, and the profile's just before the open.
 *
 * Both profiles are plain: no DevTools session, no observer, no profiler. The timing measures run
 * in a profile that has those (observe.ts, profile.ts), and they are not Mantle's cost: in it the
 * same open read ~130 MB more (the browser's process +39, the page's +33), which the profile
 * without Mantle did not carry.
 */
export async function plainMemory(rows: number, mantle?: { dir: string; keys: Keys }): Promise<Memory & { before: ReturnType<typeof pssMB> }> {
  const s = await server();
  const profile = await mkdtemp(join(tmpdir(), 'mantle-bench-plain-'));
  // Developer mode, as for anyone who loads an unpacked extension (see e2e/browsers/chromium.ts).
  await mkdir(join(profile, 'Default'), { recursive: true });
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ extensions: { ui: { developer_mode: true } } }));
  const context = await pw.launchPersistentContext(profile, {
    executablePath: executable('chromium'),
    headless: true,
    ...(mantle ? { ignoreDefaultArgs: ['--disable-extensions'] } : {}),
    args: ['--headless=new', ...(mantle ? [`--disable-extensions-except=${mantle.dir}`, `--load-extension=${mantle.dir}`] : []),
      `--host-resolver-rules=${s.resolverRules()}`, '--ignore-certificate-errors', '--no-sandbox', '--disable-gpu',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
  });
  try {
    // The same tabs in both: a blank one, and the chat.
    const page = context.pages()[0] ?? (await context.newPage());
    if (mantle) await setUp(context, mantle.keys);
    const chat = await context.newPage();
    await chat.goto(s.url('messenger', THREAD, 'alice'));
    await settle(WARM_MS);
    const before = pssMB(profile);
    await chat.goto(s.url('messenger', OTHER_THREAD, 'alice'));
    await chat.locator(`[role="navigation"] a[href*="/t/${THREAD}/"]`).click();
    await chat.waitForFunction((n) => document.querySelectorAll('[role="main"] .msg-text').length >= n, Math.min(rows, 3));
    // Every message shown once: up a screen at a time to the first. With Mantle, each screen
    // waits until its messages were handed to the thread frame (a slot with a token each): rows
    // scrolled past before that would never be decrypted, and cost nothing.
    const deadline = Date.now() + 180_000;
    for (let still = 0; still < 3;) {
      if (Date.now() > deadline) throw new Error('bench: the plain profile\'s chat never reached its first message');
      if (mantle) await chat.waitForFunction(() => [...document.querySelectorAll<HTMLElement>('[data-mantle="slot"]')].every((e) => e.dataset.mantleToken), undefined, { timeout: 30_000 });
      const top = await chat.evaluate(() => {
        const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
        sc.scrollTop = Math.max(0, sc.scrollTop - Math.floor(sc.clientHeight * 0.85));
        return sc.scrollTop;
      });
      await settle(50);
      still = top === 0 ? still + 1 : 0;
    }
    await page.title();
    const m = await memoryOf(profile);
    if (mantle) await expectDecrypted(chat);
    return { ...m, before };
  } finally {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

/** Imports the keys through Mantle's options page, as the options UI would, and closes it. */
async function setUp(context: BrowserContext, keys: Keys): Promise<void> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker', { timeout: 20_000 }));
  const options = await context.newPage();
  await options.goto(`chrome-extension://${new URL(worker.url()).host}/options/index.html`);
  await options.waitForSelector('main#mantle-options[data-ready="true"]', { state: 'attached' });
  const tab = new PwTab(options);
  await ask(tab, 'keys.importPrivate', { input: { text: keys.priv }, passphrase: keys.passphrase });
  await ask(tab, 'keys.importPublic', { input: { text: keys.pub } });
  await ask(tab, 'keys.setVerified', { fingerprint: keys.fingerprint, verified: true });
  await ask(tab, 'keys.unlock', { passphrase: keys.passphrase });
  await options.close();
}

/** After the reading: the thread frame shows the first messages decrypted (a figure of a Mantle that failed would be no figure). */
async function expectDecrypted(chat: Page): Promise<void> {
  const frame = chat.frames().find((f) => f.url().includes('/frames/thread.html'));
  const shown = frame ? await frame.evaluate(() => document.querySelectorAll('[data-mantle-plaintext]').length).catch(() => 0) : 0;
  if (!shown) throw new Error('bench: Mantle\'s plain profile shows no message decrypted');
}
