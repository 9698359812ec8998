/**
 * What the benchmark watches, from outside the product: an init script (added through the
 * automation protocol, in every document of the profile) timestamps the moments that matter in
 * each document and reports them through an exposed binding. Timestamps are
 * performance.timeOrigin + performance.now(), comparable across the page and its frames.
 *  - site page: when the thread's first bubble appears; every POST of a message (send triggered);
 *    long tasks (PerformanceObserver).
 *  - compose frame: each Enter keydown (capture phase, before Mantle's own handler).
 *  - message frame: when it shows its outcome (plaintext, or a state).
 */
import type { BrowserContext, Page } from 'playwright-core';

export interface Mark { kind: 'post' | 'thread' | 'enter' | 'shown' | 'inserted'; t: number; token?: string; ok?: boolean; signature?: string | null }

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
    if (location.pathname.endsWith('/frames/message.html')) {
      const token = location.hash.slice(1);
      const check = () => {
        const el = document.querySelector('[data-mantle-plaintext], [data-state], .refused');
        if (!el) return false;
        const sig = document.querySelector('[data-signature]');
        mark({ kind: 'shown', t: now(), token, ok: el.hasAttribute('data-mantle-plaintext'), signature: sig && sig.getAttribute('data-signature') });
        return true;
      };
      const mo = new MutationObserver(() => { if (check()) mo.disconnect(); });
      mo.observe(document, { childList: true, subtree: true });
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
  const mo = new MutationObserver((records) => {
    for (const r of records) for (const n of r.addedNodes) {
      if (n.nodeName === 'IFRAME' && n.dataset.mantle === 'message') mark({ kind: 'inserted', t: now(), token: new URL(n.src).hash.slice(1) });
    }
    if (seen || !document.querySelector('[role="main"] .msg-text')) return;
    seen = true;
    mark({ kind: 'thread', t: now() });
  });
  mo.observe(document, { childList: true, subtree: true });
  window.__mantleBenchRearm = () => { seen = false; };
})();`;
