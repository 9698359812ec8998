/**
 * The browser's total memory: the proportional set size (PSS, so shared pages are not counted
 * twice) of every process of one browser profile, from /proc. The baseline is a second Chromium
 * profile without the extension showing the same thread.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium as pw } from 'playwright-core';
import { executable } from '../e2e/env';
import { server } from '../e2e/harness';
import { processesUsing } from '../e2e/procs';
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

/** MB of PSS over the profile's processes. */
export function pssMB(profile: string): { mb: number; processes: number } {
  let kb = 0;
  const pids = tree(profile);
  const each: string[] = [];
  for (const pid of pids) {
    try {
      const pss = Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
      kb += pss;
      // Chromium rewrites its process title, so read the flags out of the whole command line.
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const type = /--type=(\S+)/.exec(cmd)?.[1] ?? 'browser';
      each.push(`${Math.round(pss / 1024)} MB ${type}${cmd.includes('--extension-process') ? ' (extension)' : ''}`);
    } catch { /* exited */ }
  }
  if (process.env.BENCH_DEBUG) console.error(`memory by process: ${each.sort((a, b) => parseInt(b) - parseInt(a)).join('; ')}`);
  return { mb: kb / 1024, processes: pids.length };
}

export const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Memory right after the thread was shown, and once it settled (SETTLE_MS later): a scroll through
 * hundreds of bubbles leaves garbage (in the thread frame's document and the page), which the
 * browser collects over the next seconds. The first figure is what the target is checked on; the
 * second says how much of it is held.
 */
export interface Memory { mb: number; settledMb: number; processes: number }
export const SETTLE_MS = 30_000;

export async function memoryOf(profile: string): Promise<Memory> {
  await settle(3000);
  const { mb, processes } = pssMB(profile);
  await settle(SETTLE_MS - 3000);
  return { mb, settledMb: pssMB(profile).mb, processes };
}

/** The same thread in a Chromium profile without Mantle, opened the same way; its memory. */
export async function baselineMemory(rows: number): Promise<Memory> {
  const s = await server();
  const profile = await mkdtemp(join(tmpdir(), 'mantle-bench-plain-'));
  const context = await pw.launchPersistentContext(profile, {
    executablePath: executable('chromium'),
    headless: true,
    args: ['--headless=new', `--host-resolver-rules=${s.resolverRules()}`, '--ignore-certificate-errors', '--no-sandbox', '--disable-gpu',
      '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
    viewport: { width: 1280, height: 800 },
  });
  try {
    // The same tabs as Mantle's profile: a blank one, and the chat.
    const page = context.pages()[0] ?? (await context.newPage());
    const chat = await context.newPage();
    await chat.goto(s.url('messenger', OTHER_THREAD, 'alice'));
    await chat.locator(`[role="navigation"] a[href*="/t/${THREAD}/"]`).click();
    await chat.waitForFunction((n) => document.querySelectorAll('[role="main"] .msg-text').length >= n, Math.min(rows, 3));
    await page.title();
    return await memoryOf(profile);
  } finally {
    await context.close().catch(() => {});
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}
