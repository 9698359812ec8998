/**
 * Opening a conversation of encrypted, signed messages, as a person does: from another chat,
 * a click on it in the chat list (the replica is an SPA, like Messenger). Measured from when the
 * thread's first bubble appears: every bubble in view decrypted; then, scrolling up a screen at a
 * time as soon as the screen is decrypted, every message of the thread.
 *
 * A message shows decrypted when its article in the chat's thread frame holds its plaintext (the
 * 'shown' marks of observe.ts, one per token); it is in view when its slot in the page (the
 * `div[data-mantle="slot"]` the content script puts after the hidden ciphertext) is.
 */
import type { Page } from 'playwright-core';
import { poll } from '../e2e/harness';
import { longTasks, type Observer } from './observe';
import { MainThreadProfile } from './profile';
import { chromium, OTHER_THREAD, seed, THREAD, type Conversation, type World } from './world';

/** A message's slot in the page: its wire id, its token once granted ('' before), whether it is in view. */
interface Seen { id: string; token: string; vis: boolean }
/** `frames`: the slots (one per Mantle message the site renders); `threadFrames`: thread frames in the scroller. */
interface View { missing: number; frames: Seen[]; top: number; height: number; rows: number; scrollHeight: number; threadFrames: number; uncovered: number; uncoveredSample: string }

/**
 * The rows the scroller holds now, and which messages' slots are in view (runs in the page).
 * No named functions inside: tsx's transform would wrap them in a helper the page lacks (`__name`).
 */
function view(page: Page): Promise<View> {
  return page.evaluate(() => {
    const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
    const box = sc.getBoundingClientRect();
    const out = { missing: 0, frames: [] as { id: string; token: string; vis: boolean }[], top: sc.scrollTop, height: sc.clientHeight, rows: 0, scrollHeight: sc.scrollHeight,
      threadFrames: sc.querySelectorAll('iframe[data-mantle="thread"]').length, uncovered: 0, uncoveredSample: '' };
    // Not part of the measure, a check of the contract: the thread frame's box covers the slots in view.
    const tf = sc.querySelector<HTMLIFrameElement>('iframe[data-mantle="thread"]')?.getBoundingClientRect();
    for (const row of sc.querySelectorAll<HTMLElement>('[role="row"]')) {
      out.rows++;
      const rr = row.getBoundingClientRect();
      const rowVis = rr.height > 0 && rr.bottom > box.top + 1 && rr.top < box.bottom - 1;
      const slot = row.querySelector<HTMLElement>('[data-mantle="slot"]');
      if (slot) {
        // The slot is where the thread frame draws the message; one not laid out yet counts as its row.
        const r = slot.getBoundingClientRect();
        const vis = r.height > 0 ? r.bottom > box.top + 1 && r.top < box.bottom - 1 : rowVis;
        out.frames.push({ id: slot.dataset.mantleId ?? '', token: slot.dataset.mantleToken ?? '', vis });
        const covered = !!tf && r.top >= tf.top - 1 && r.bottom <= tf.bottom + 1 && r.left >= tf.left - 1 && r.right <= tf.right + 1;
        if (vis && r.height > 0 && !covered && !out.uncovered++) {
          out.uncoveredSample = `slot ${Math.round(r.left)},${Math.round(r.top)}–${Math.round(r.right)},${Math.round(r.bottom)}, frame ${tf ? `${Math.round(tf.left)},${Math.round(tf.top)}–${Math.round(tf.right)},${Math.round(tf.bottom)}` : 'none'}`;
        }
      } else if (rowVis) out.missing++;
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
  /** The most message slots in the page at once (a slot per message the site renders). */
  maxFrames: number;
  maxRows: number;
  /** The most message articles the thread frame's document held at once, and the most thread frames in the list. */
  maxArticles: number;
  maxThreadFrames: number;
  /** After jumping to the middle of the thread: ms until the bubbles in view showed decrypted. */
  jump: number | null;
  threadAt: number;
}

/** A glance at the chat before switching, as a person takes (the page idle meanwhile). */
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

  type Shown = { t: number; ok: boolean; signature: string | null; state?: string };
  /** The thread frame's 'shown' marks since the click, by token and by wire id. */
  const shown = new Map<string, Shown>();
  const shownById = new Map<string, Shown>();
  let collected = since;
  let maxArticles = 0;
  const collect = () => {
    const fresh = obs.marks.slice(collected);
    collected += fresh.length;
    for (const m of fresh) {
      if (m.kind === 'articles') maxArticles = Math.max(maxArticles, m.n ?? 0);
      if (m.kind !== 'shown') continue;
      const s = { t: m.t, ok: !!m.ok, signature: m.signature ?? null, state: m.state };
      if (!shown.has(m.token!)) shown.set(m.token!, s);
      if (m.id && !shownById.has(m.id)) shownById.set(m.id, s);
    }
  };
  /**
   * A slot's outcome: the thread frame's article with the slot's token (the contract has them
   * equal). A slot granted a new token waits for its article under that token, as a bubble's new
   * frame did; the slots seen waiting while their message was shown under another token are kept
   * for the notes below.
   */
  const retokened = new Map<string, { token: string; at: number; seen: number }>();
  const outcome = (f: Seen): Shown | undefined => {
    const s = f.token ? shown.get(f.token) : undefined;
    if (!s && f.token && shownById.has(f.id)) {
      const r = retokened.get(`${f.id}:${f.token}`);
      if (r) r.seen = Date.now();
      else retokened.set(`${f.id}:${f.token}`, { token: f.token, at: Date.now(), seen: Date.now() });
    }
    return s;
  };
  const decryptedIds = new Map<string, { t: number; signature: string | null }>();
  let maxFrames = 0;
  let maxRows = 0;
  let maxThreadFrames = 0;
  /** Waits until every bubble in view shows its outcome; returns when the last one did. */
  let last: View | undefined;
  const screen = async (what: string, timeout = 30_000) =>
    obs.until(what, timeout, async () => {
      const v = (last = await view(pg));
      collect();
      maxFrames = Math.max(maxFrames, v.frames.length);
      maxRows = Math.max(maxRows, v.rows);
      maxThreadFrames = Math.max(maxThreadFrames, v.threadFrames);
      for (const f of v.frames) {
        const s = outcome(f);
        if (s?.ok && !decryptedIds.has(f.id)) decryptedIds.set(f.id, { t: s.t, signature: s.signature });
      }
      const vis = v.frames.filter((f) => f.vis);
      // The replica's list can settle with only a spacer in view after a jump (its row heights
      // were estimates): a one-pixel scroll, as a person's wheel would, makes it lay out again.
      if (!vis.length && !v.missing) await pg.evaluate(() => { document.querySelector<HTMLElement>('[role="main"] .scroller')!.scrollTop -= 1; });
      if (v.missing || !vis.length || !vis.every((f) => outcome(f))) return undefined;
      return { v, last: Math.max(...vis.map((f) => outcome(f)!.t)), count: vis.length };
    }).catch((e: Error) => {
      const vis = last?.frames.filter((f) => f.vis) ?? [];
      throw new Error(`${e.message}: ${last?.missing} bubbles in view without a slot, ${vis.filter((f) => !f.token).length} slots in view without a token, `
        + `${vis.filter((f) => !outcome(f)).length}/${vis.length} messages in view not shown yet in the thread frame (${last?.threadFrames ?? 0} thread frames in the list; `
        + `${shown.size} shown since the click; ${vis.filter((f) => f.token && !outcome(f) && shownById.has(f.id)).map((f) => f.id).join(', ') || 'none'} of them shown under an earlier token)`);
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
      const key = (x: typeof r) => x.v.frames.filter((f) => f.vis).map((f) => `${f.id}:${f.token}`).sort().join();
      const same = key(again) === key(r);
      r = { ...again, last: Math.max(r.last, again.last) };
      if (same) return r;
    }
  };

  const first = await settled('the bubbles in view to show decrypted');
  if (first.v.uncovered || first.v.threadFrames !== 1) {
    console.error(`bench: note: on the first screen, ${first.v.threadFrames} thread frames in the list, ${first.v.uncovered} slots in view outside the thread frame's box (${first.v.uncoveredSample})`);
  }
  let all: number | null = null;
  if (opts.scrollAll) {
    let v = first.v;
    while (decryptedIds.size < c.wire.length) {
      if (v.top <= 0) {
        // Name what is missing, so that a run that fails says where to look.
        const missing = c.wire.map((w, i) => ({ i, id: /^MNTL1 M ([0-9a-f]{8})/.exec(w)?.[1] ?? '' })).filter((m) => !decryptedIds.has(m.id));
        const states = missing.slice(0, 5).map((m) => {
          const frames = (last?.frames ?? []).filter((f) => f.id === m.id);
          const what = (s: Shown | undefined) => (!s ? 'not shown' : s.ok ? 'shown' : `error (${s.state ?? '?'})`);
          return `#${m.i} ${m.id}: ${frames.map((f) => `slot ${f.token || '(no token)'} ${what(outcome(f))}`).join(', ') || `no slot in the last view; thread frame: ${what(shownById.get(m.id))}`}`;
        });
        throw new Error(`bench: reached the top with ${decryptedIds.size}/${c.wire.length} decrypted; missing ${states.join('; ')}`);
      }
      await pg.evaluate(() => {
        const sc = document.querySelector<HTMLElement>('[role="main"] .scroller')!;
        // Screens overlap a little: a row straddling the edge is fully in view on one of them.
        sc.scrollTop = Math.max(0, sc.scrollTop - Math.floor(sc.clientHeight * 0.85));
      });
      v = (await screen(`screen at ${v.top}px to decrypt`)).v;
      if (process.env.BENCH_DEBUG) console.error(`screen top=${v.top} slots=${v.frames.length} rows=${v.rows} articles=${maxArticles} decrypted=${decryptedIds.size} t=${Date.now()}`);
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
    await poll('the middle rows', 10_000, async () => {
      const v = await view(pg);
      collect();
      return v.frames.some((f) => f.vis && !outcome(f)) || undefined;
    }).catch(() => undefined);
    jump = (await settled('the middle of the thread to decrypt')).last - at;
  }
  await new Promise((r) => setTimeout(r, 500));
  collect();
  if (retokened.size) {
    // Rows the site mounted again get new slots and tokens, and their articles are opened again.
    const never = [...retokened].filter(([, r]) => !shown.has(r.token)).map(([k, r]) => `${k.split(':')[0]} (waited ${r.seen - r.at} ms in the bench's looks)`);
    console.error(`bench: note: ${retokened.size} slots were granted a new token after their message had been shown; ${never.length} never shown under the new one${never.length ? `: ${never.slice(0, 5).join(', ')}` : ''}`);
  }
  const origin = chromium(alice).extensionOrigin;
  const cs = await profile.stop((url) => url.startsWith(origin) && url.includes('/content/'));
  const long = (await longTasks(pg, clicked)).map((l) => ({ ...l, mantle: Math.round(cs.within(l.start, l.start + l.duration)) }));
  collect();
  const signatures: Record<string, number> = {};
  for (const d of decryptedIds.values()) signatures[d.signature ?? 'none'] = (signatures[d.signature ?? 'none'] ?? 0) + 1;
  const failed = [...shown.values()].filter((s) => !s.ok);
  if (failed.length) throw new Error(`bench: ${failed.length} messages showed an error state in the thread frame instead of the plaintext (${[...new Set(failed.map((s) => s.state))].join(', ')})`);
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
    maxArticles,
    maxThreadFrames,
    jump,
    threadAt,
  };
}
