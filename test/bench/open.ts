/**
 * Opening a conversation of encrypted, signed messages, as a person does: from another chat,
 * a click on it in the chat list (the replica is an SPA, like Messenger). Measured from when the
 * thread's first bubble appears: every bubble in view decrypted; then, scrolling up a screen at a
 * time as soon as the screen is decrypted, every message of the thread.
 */
import type { Page } from 'playwright-core';
import { poll } from '../e2e/harness';
import { longTasks, type Observer } from './observe';
import { MainThreadProfile } from './profile';
import { chromium, OTHER_THREAD, seed, THREAD, type Conversation, type World } from './world';

interface Seen { id: string; token: string; vis: boolean }
interface View { missing: number; frames: Seen[]; top: number; height: number; rows: number; scrollHeight: number }

/** The rows the scroller holds now, and which are in view (runs in the page). */
function view(page: Page): Promise<View> {
  return page.evaluate(() => {
    const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
    const box = sc.getBoundingClientRect();
    const out = { missing: 0, frames: [] as { id: string; token: string; vis: boolean }[], top: sc.scrollTop, height: sc.clientHeight, rows: 0, scrollHeight: sc.scrollHeight };
    for (const row of sc.querySelectorAll<HTMLElement>('[role="row"]')) {
      out.rows++;
      const r = row.getBoundingClientRect();
      const vis = r.height > 0 && r.bottom > box.top + 1 && r.top < box.bottom - 1;
      const f = row.querySelector<HTMLIFrameElement>('iframe[data-mantle="message"]');
      if (f) out.frames.push({ id: f.dataset.mantleId ?? '', token: new URL(f.src).hash.slice(1), vis });
      else if (vis) out.missing++;
    }
    return out;
  });
}

export interface OpenResult {
  n: number;
  /** ms from the thread's first bubble until every bubble in view showed decrypted. */
  visible: number;
  visibleCount: number;
  /** ms until all n showed decrypted (scrolling through); null when not scrolled. */
  all: number | null;
  decrypted: number;
  signatures: Record<string, number>;
  longTasks: { start: number; duration: number; mantle: number }[];
  contentScript: { total: number; longestRun: number };
  maxFrames: number;
  maxRows: number;
  /** After jumping to the middle of the thread: ms until the bubbles in view showed decrypted. */
  jump: number | null;
  threadAt: number;
}

/** A glance at the chat before switching: time enough for Mantle's spare frames to load. */
export const DWELL_MS = 3_000;

/** `dwellMs`: time spent on the other chat before the click (none: at once, as it loads). */
export async function openThread(w: World, obs: Observer, c: Conversation, opts: { scrollAll: boolean; jump: boolean; dwellMs?: number }): Promise<OpenResult> {
  const { alice } = w;
  seed(c);
  await alice.open('messenger', OTHER_THREAD);
  if (opts.dwellMs) await new Promise((r) => setTimeout(r, opts.dwellMs));
  const page = alice.tab as unknown as { page: Page };
  const pg = page.page;
  const profile = await MainThreadProfile.start(alice, pg);
  const since = obs.marks.length;
  const clicked = await pg.evaluate(() => performance.timeOrigin + performance.now());
  await alice.tab.click(`[role="navigation"] a[href*="/t/${THREAD}/"]`);
  const threadAt = (await obs.until('the thread to appear', 30_000, () => obs.marks.slice(since).find((m) => m.kind === 'thread'))).t;

  const shown = new Map<string, { t: number; ok: boolean; signature: string | null }>();
  const collect = () => {
    for (const m of obs.marks.slice(since)) if (m.kind === 'shown') shown.set(m.token!, { t: m.t, ok: !!m.ok, signature: m.signature ?? null });
  };
  const decryptedIds = new Map<string, { t: number; signature: string | null }>();
  let maxFrames = 0;
  let maxRows = 0;
  /** Waits until every bubble in view shows its outcome; returns when the last one did. */
  let last: View | undefined;
  const screen = async (what: string, timeout = 30_000) =>
    obs.until(what, timeout, async () => {
      const v = (last = await view(pg));
      collect();
      maxFrames = Math.max(maxFrames, v.frames.length);
      maxRows = Math.max(maxRows, v.rows);
      for (const f of v.frames) {
        const s = shown.get(f.token);
        if (s?.ok && !decryptedIds.has(f.id)) decryptedIds.set(f.id, { t: s.t, signature: s.signature });
      }
      const vis = v.frames.filter((f) => f.vis);
      // The replica's list can settle with only a spacer in view after a jump (its row heights
      // were estimates): a one-pixel scroll, as a person's wheel would, makes it lay out again.
      if (!vis.length && !v.missing) await pg.evaluate(() => { document.querySelector<HTMLElement>('[role="main"] .scroller')!.scrollTop -= 1; });
      if (v.missing || !vis.length || !vis.every((f) => shown.has(f.token))) return undefined;
      return { v, last: Math.max(...vis.map((f) => shown.get(f.token)!.t)), count: vis.length };
    }).catch((e: Error) => {
      const vis = last?.frames.filter((f) => f.vis) ?? [];
      throw new Error(`${e.message}: ${last?.missing} bubbles in view without a frame, ${vis.filter((f) => !shown.has(f.token)).length}/${vis.length} frames in view not shown yet`);
    });

  /**
   * A screen that holds: as decrypted bubbles shrink to their plaintext, the list brings more rows
   * into view, and those count too. Done when a second look, a moment later, finds the same bubbles.
   */
  const settled = async (what: string) => {
    let r = await screen(what);
    for (let look = 1; ; look++) {
      // A view that never holds (rows still mounting after 10 s) is a failure, not a figure.
      if (look > 30) throw new Error(`bench: ${what}: the bubbles in view still changed after ${look} looks`);
      await new Promise((res) => setTimeout(res, 300));
      const again = await screen(what);
      const key = (x: typeof r) => x.v.frames.filter((f) => f.vis).map((f) => f.token).sort().join();
      const same = key(again) === key(r);
      r = { ...again, last: Math.max(r.last, again.last) };
      if (same) return r;
    }
  };

  const first = await settled('the bubbles in view to show decrypted');
  let all: number | null = null;
  if (opts.scrollAll) {
    let v = first.v;
    while (decryptedIds.size < c.wire.length) {
      if (v.top <= 0) {
        // Name what is missing, so that a run that fails says where to look.
        const missing = c.wire.map((w, i) => ({ i, id: /^MNTL1 M ([0-9a-f]{8})/.exec(w)?.[1] ?? '' })).filter((m) => !decryptedIds.has(m.id));
        const states = missing.slice(0, 5).map((m) => {
          const frames = (last?.frames ?? []).filter((f) => f.id === m.id);
          return `#${m.i} ${m.id}: ${frames.map((f) => `${f.token} ${shown.has(f.token) ? (shown.get(f.token)!.ok ? 'shown' : 'error') : 'not shown'}`).join(', ') || 'no frame in the last view'}`;
        });
        throw new Error(`bench: reached the top with ${decryptedIds.size}/${c.wire.length} decrypted; missing ${states.join('; ')}`);
      }
      await pg.evaluate(() => {
        const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
        // Screens overlap a little: a row straddling the edge is fully in view on one of them.
        sc.scrollTop = Math.max(0, sc.scrollTop - Math.floor(sc.clientHeight * 0.85));
      });
      v = (await screen(`screen at ${v.top}px to decrypt`)).v;
      if (process.env.BENCH_DEBUG) console.error(`screen top=${v.top} frames=${v.frames.length} rows=${v.rows} decrypted=${decryptedIds.size} t=${Date.now()}`);
    }
    all = Math.max(...[...decryptedIds.values()].map((d) => d.t)) - threadAt;
  }
  let jump: number | null = null;
  if (opts.jump) {
    const at = await pg.evaluate(() => {
      const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
      sc.scrollTop = Math.floor(sc.scrollHeight / 2);
      return performance.timeOrigin + performance.now();
    });
    // Let the list mount the middle rows before asking what is in view.
    await poll('the middle rows', 10_000, async () => (await view(pg)).frames.some((f) => f.vis && !shown.has(f.token)) || undefined).catch(() => undefined);
    jump = (await settled('the middle of the thread to decrypt')).last - at;
  }
  await new Promise((r) => setTimeout(r, 500));
  const origin = chromium(alice).extensionOrigin;
  const cs = await profile.stop((url) => url.startsWith(origin) && url.includes('/content/'));
  const long = (await longTasks(pg, clicked)).map((l) => ({ ...l, mantle: Math.round(cs.within(l.start, l.start + l.duration)) }));
  collect();
  const signatures: Record<string, number> = {};
  for (const d of decryptedIds.values()) signatures[d.signature ?? 'none'] = (signatures[d.signature ?? 'none'] ?? 0) + 1;
  const failed = [...shown.values()].filter((s) => !s.ok).length;
  if (failed) throw new Error(`bench: ${failed} message frames showed an error state instead of the plaintext`);
  return {
    n: c.wire.length,
    visible: first.last - threadAt,
    visibleCount: first.count,
    all,
    decrypted: decryptedIds.size,
    signatures,
    longTasks: long,
    contentScript: { total: cs.total, longestRun: cs.longestRun },
    maxFrames,
    maxRows,
    jump,
    threadAt,
  };
}
