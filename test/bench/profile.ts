/**
 * Main-thread time of Mantle's content script in the chat page, from V8's sampling profiler
 * (CDP Profiler on the page's target; the content script's isolated world shares the page's
 * isolate and main thread). A sample counts as Mantle's when any frame of its stack belongs to
 * the content script's URL, so forced layouts and DOM calls it makes count too.
 */
import type { CDPSession } from 'playwright-core';
import type { Page } from 'playwright-core';
import type { User } from '../e2e/harness';
import { browserNow } from './observe';
import { chromium } from './world';

interface Node { id: number; parent?: number; callFrame: { url: string; functionName: string }; children?: number[] }
interface Profile { nodes: Node[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

export interface ContentTime {
  /** Total ms of the content script on the page's main thread. */
  total: number;
  /** Longest stretch of consecutive samples inside the content script, ms. */
  longestRun: number;
  /** ms of content-script time inside [start, end) (absolute browser ms). */
  within(start: number, end: number): number;
}

export class MainThreadProfile {
  private constructor(private readonly cdp: CDPSession, private readonly startedAt: number) {}

  static async start(u: User, page: Page): Promise<MainThreadProfile> {
    const cdp = await chromium(u).context.newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
    return new MainThreadProfile(cdp, await browserNow(page));
  }

  async stop(scriptUrl: (url: string) => boolean): Promise<ContentTime> {
    const { profile } = (await this.cdp.send('Profiler.stop')) as unknown as { profile: Profile };
    await this.cdp.detach().catch(() => {});
    const byId = new Map(profile.nodes.map((n) => [n.id, n]));
    for (const n of profile.nodes) for (const c of n.children ?? []) byId.get(c)!.parent = n.id;
    const ours = new Map<number, boolean>();
    const isOurs = (id: number): boolean => {
      const known = ours.get(id);
      if (known !== undefined) return known;
      const n = byId.get(id)!;
      const v = scriptUrl(n.callFrame.url) || (n.parent !== undefined && isOurs(n.parent));
      ours.set(id, v);
      return v;
    };
    // Sample i covers the interval until the next sample; times are µs since profile.startTime.
    const spans: { at: number; ms: number }[] = [];
    let t = profile.startTime;
    let total = 0;
    let run = 0;
    let longestRun = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      t += profile.timeDeltas[i] ?? 0;
      const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
      if (isOurs(profile.samples[i]!)) {
        total += ms;
        run += ms;
        longestRun = Math.max(longestRun, run);
        spans.push({ at: (t - profile.startTime) / 1000 + this.startedAt, ms });
      } else {
        run = 0;
      }
    }
    if (process.env.BENCH_DEBUG) {
      const self = new Map<string, number>();
      for (let i = 0; i < profile.samples.length; i++) {
        const id = profile.samples[i]!;
        if (!isOurs(id)) continue;
        const chain: string[] = [];
        for (let n: Node | undefined = byId.get(id); n; n = n.parent === undefined ? undefined : byId.get(n.parent)) chain.push(`${n.callFrame.functionName || '(anon)'}@${n.callFrame.url.split('/').pop()}`);
        const key = chain.slice(0, 6).join(' < ');
        self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
      }
      for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.error(`${v.toFixed(0).padStart(6)} ms  ${k}`);
      // The longest runs, and what filled them: a run over 50 ms is a long task of Mantle's own.
      const runs: { ms: number; stacks: Map<string, number> }[] = [];
      let cur: { ms: number; stacks: Map<string, number> } | null = null;
      for (let i = 0; i < profile.samples.length; i++) {
        const id = profile.samples[i]!;
        const ms = (profile.timeDeltas[i + 1] ?? 0) / 1000;
        if (!isOurs(id)) {
          if (cur) runs.push(cur);
          cur = null;
          continue;
        }
        cur ??= { ms: 0, stacks: new Map() };
        cur.ms += ms;
        const n = byId.get(id)!;
        const leaf = `${n.callFrame.functionName || '(anon)'}`;
        let top = n;
        while (top.parent !== undefined && byId.get(top.parent)!.callFrame.functionName !== '(root)') top = byId.get(top.parent)!;
        const key = `${top.callFrame.functionName || '(anon)'} … ${leaf}`;
        cur.stacks.set(key, (cur.stacks.get(key) ?? 0) + ms);
      }
      for (const r of runs.sort((a, b) => b.ms - a.ms).slice(0, 5)) {
        console.error(`run ${r.ms.toFixed(1)} ms: ${[...r.stacks].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('; ')}`);
      }
    }
    return {
      total,
      longestRun,
      within: (start, end) => spans.filter((s) => s.at >= start && s.at < end).reduce((a, s) => a + s.ms, 0),
    };
  }
}
