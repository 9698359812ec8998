/**
 * What the benchmark watches, from outside the product: an init script (added through the
 * automation protocol, in every document of the profile) timestamps the moments that matter in
 * each document and reports them through an exposed binding. Timestamps are
 * performance.timeOrigin + performance.now(), comparable across the page and its frames.
 *  - site page: when the thread's first bubble appears; every POST of a message (send triggered);
 *    when a message's slot (`div[data-mantle="slot"]`) is granted its token; long tasks
 *    (PerformanceObserver).
 *  - compose frame: each Enter keydown (capture phase, before Mantle's own handler).
 *  - thread frame (one per open chat, drawing every decrypted message): when each message's
 *    article (`[role="article"][data-token]`) first shows its outcome (plaintext, or a final
 *    state), once per token; and how many articles the frame holds, whenever that changes.
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface Mark {
  kind: 'post' | 'thread' | 'enter' | 'shown' | 'inserted' | 'articles';
  t: number;
  /** 'shown', 'inserted': the message's token (the slot's data-mantle-token, the article's data-token). */
  token?: string;
  /** 'shown', 'inserted': the message's wire id (data-mantle-id). */
  id?: string;
  ok?: boolean;
  signature?: string | null;
  /** 'shown' when not ok: what the article shows instead (its data-state, or 'refused'). */
  state?: string;
  /** 'articles': how many message articles the thread frame's document holds now. */
  n?: number;
}

export class Observer {
  readonly marks: Mark[] = [];
  private waiters: (() => void)[] = [];

  static async attach(context: BrowserContext): Promise<Observer> {
    const o = new Observer();
    await context.exposeBinding('__mantleBench', (_source, m: Mark) => {
      o.marks.push(m);
      for (const w of o.waiters.splice(0)) w();
    });
    await context.addInitScript(INIT);
    return o;
  }

  of(kind: Mark['kind'], since = 0): Mark[] {
    return this.marks.filter((m) => m.kind === kind && m.t >= since);
  }

  /** Resolves once `check` holds, re-checked on every mark and every 20 ms. */
  async until<T>(what: string, timeout: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const v = await check();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error(`bench: timed out after ${timeout} ms waiting for ${what}`);
      await new Promise<void>((r) => {
        const timer = setTimeout(r, 20);
        this.waiters.push(() => { clearTimeout(timer); r(); });
      });
    }
  }
}

/** Long tasks the page saw since `since` (absolute ms). */
export async function longTasks(page: Page, since: number): Promise<{ start: number; duration: number }[]> {
  const all = await page.evaluate(() => (window as unknown as { __mantleBenchLong?: { start: number; duration: number }[] }).__mantleBenchLong ?? []);
  return all.filter((l) => l.start >= since);
}

/** Now, on the browser's clock. */
export function browserNow(page: Page): Promise<number> {
  return page.evaluate(() => performance.timeOrigin + performance.now());
}

const INIT = `(() => {
  const now = () => performance.timeOrigin + performance.now();
  const mark = (m) => { try { window.__mantleBench(m); } catch {} };
  if (location.protocol === 'chrome-extension:') {
    if (location.pathname.endsWith('/frames/compose.html')) {
      addEventListener('keydown', (e) => { if (e.key === 'Enter' && !e.shiftKey) mark({ kind: 'enter', t: now() }); }, true);
    }
    if (location.pathname.endsWith('/frames/thread.html')) {
      // One document for the whole chat: each message is an article, marked once (per article
      // element and token), when it first holds its plaintext or a final state ('waiting' for more
      // parts is not final).
      const ARTICLE = '[role="article"][data-token]';
      const OUTCOME = '[data-mantle-plaintext], [data-state]:not([data-state="waiting"]), .refused';
      const done = new WeakMap();
      let count = -1;
      const check = (a) => {
        const token = a.getAttribute('data-token');
        if (!token || done.get(a) === token) return;
        const el = a.querySelector(OUTCOME);
        if (!el) return;
        done.set(a, token);
        const ok = el.hasAttribute('data-mantle-plaintext');
        // The signature line under the plaintext: its data-signature, else its classes (said as such).
        const sig = ok && (a.querySelector('[data-signature]') || a.querySelector('.sig'));
        const signature = !sig ? null : sig.hasAttribute('data-signature') ? sig.getAttribute('data-signature') : 'class:' + sig.className;
        mark({ kind: 'shown', t: now(), token, id: a.getAttribute('data-mantle-id') || '', ok, signature,
          state: ok ? undefined : el.getAttribute('data-state') || (el.classList.contains('refused') ? 'refused' : el.className) });
      };
      const mo = new MutationObserver((records) => {
        const seen = new Set();
        let structural = false;
        for (const r of records) {
          if (r.type === 'childList') structural = true;
          const t = r.target.nodeType === 1 ? r.target : r.target.parentElement;
          const a = t && t.closest(ARTICLE);
          if (a) seen.add(a);
          for (const n of r.addedNodes) {
            if (n.nodeType !== 1) continue;
            if (n.matches(ARTICLE)) seen.add(n);
            for (const x of n.querySelectorAll(ARTICLE)) seen.add(x);
          }
        }
        for (const a of seen) check(a);
        if (structural) {
          const n = document.querySelectorAll('[role="article"]').length;
          if (n !== count) { count = n; mark({ kind: 'articles', t: now(), n }); }
        }
      });
      mo.observe(document, { childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ['data-token', 'data-mantle-id', 'data-state', 'data-mantle-plaintext', 'class'] });
    }
    return;
  }
  if (location.protocol !== 'https:') return;
  const long = (window.__mantleBenchLong = []);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) long.push({ start: performance.timeOrigin + e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {}
  const fetch0 = window.fetch;
  window.fetch = function (input, init) {
    if (init && init.method === 'POST' && String(input).endsWith('/messages')) mark({ kind: 'post', t: now() });
    return fetch0.apply(this, arguments);
  };
  let seen = false;
  const granted = new WeakMap();
  const slot = (n) => {
    const token = n.getAttribute('data-mantle-token');
    if (!token || granted.get(n) === token) return;
    granted.set(n, token);
    mark({ kind: 'inserted', t: now(), token, id: n.getAttribute('data-mantle-id') || '' });
  };
  const mo = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') { if (r.target.dataset.mantle === 'slot') slot(r.target); continue; }
      for (const n of r.addedNodes) if (n.nodeType === 1 && n.dataset.mantle === 'slot') slot(n);
    }
    if (seen || !document.querySelector('[role="main"] .msg-text')) return;
    seen = true;
    mark({ kind: 'thread', t: now() });
  });
  mo.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-mantle-token'] });
  window.__mantleBenchRearm = () => { seen = false; };
})();`;
