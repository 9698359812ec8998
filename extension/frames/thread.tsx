/**
 * The thread frame: one extension-origin document per chat that draws every decrypted message of
 * the list, each over the box the content script reserved for it in the page (a document per
 * bubble cost ~0.1 s and several MB each, docs/performance.md). The plaintext exists only here.
 *
 * The content script posts each message's token and secret, and where its box is. The page can
 * post too (the frame cannot tell the two apart): a forged secret is refused by the background
 * and only costs a try, and boxes the page moves are boxes it could hide anyway. Each message
 * says who signed it, so a message drawn in a box the page chose still tells whose it is.
 */
import { render } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { BubbleStyle, Rendered, ThreadSize } from '@src/protocol';
import { ask, mayRetry, onBroadcast } from '../lib/messaging';
import { Body } from './bubble';
import './style';

interface Item { id: string; secrets: string[]; tries: number; busy: boolean; shown?: Rendered; style?: BubbleStyle; seen: number }
/** x and y in this frame's pixels; `width`: the widest the message may be (its bubble's). */
interface Box { x: number; y: number; width: number }

const HEX48 = /^[0-9a-f]{48}$/;
/** A wire id, or the content script's own for an armored block or damaged text (detect.ts). */
const ID = /^([0-9a-f]{8}|single-\d{1,9})$/;
/** Secrets tried per token: the page may post forged ones first. */
const MAX_TRIES = 8;
/** Messages kept when not in the latest boxes (scrolled out of a virtualized list, or hidden). */
const MAX_KEPT = 300;
const MAX_BOXES = 2000;

const items = new Map<string, Item>();
let boxes = new Map<string, Box>();
let redraw = () => {};

// Listen from the moment this module runs: the content script posts on the frame's load event.
addEventListener('message', (e: MessageEvent) => {
  if (e.source !== parent) return;
  const data = (e.data as { mantleThread?: { grants?: unknown; boxes?: unknown } } | null)?.mantleThread;
  if (!data) return;
  if (Array.isArray(data.grants)) for (const g of data.grants.slice(0, MAX_BOXES)) grant(g);
  if (Array.isArray(data.boxes)) {
    const next = new Map<string, Box>();
    for (const b of data.boxes.slice(0, MAX_BOXES)) {
      if (!Array.isArray(b) || typeof b[0] !== 'string' || ![b[1], b[2], b[3]].every(Number.isFinite)) continue;
      next.set(b[0], { x: b[1], y: b[2], width: b[3] });
      const item = items.get(b[0]);
      if (item) item.seen = performance.now();
    }
    boxes = next;
    // Boxes for messages this frame no longer keeps (or never opened): the page asks anew.
    for (const t of next.keys()) {
      if (items.has(t) || lost.has(t)) continue;
      lost.add(t);
      unsentLost.add(t);
      schedule();
    }
  }
  forgetOldest();
  redraw();
});

function grant(g: unknown): void {
  if (!Array.isArray(g)) return;
  const [token, secret, id] = g as unknown[];
  if (typeof token !== 'string' || typeof secret !== 'string' || typeof id !== 'string' || !HEX48.test(token) || !HEX48.test(secret) || !ID.test(id)) return;
  let item = items.get(token);
  if (!item) items.set(token, (item = { id, secrets: [], tries: 0, busy: false, seen: performance.now() }));
  if (item.shown || item.secrets.length + item.tries >= MAX_TRIES) return;
  item.secrets.push(secret);
  void pump(token, item);
}

/** Tries the token's secrets in turn until one opens the message. */
async function pump(token: string, item: Item): Promise<void> {
  if (item.busy) return;
  item.busy = true;
  while (!item.shown && item.secrets.length && items.get(token) === item) {
    const secret = item.secrets.shift()!;
    item.tries++;
    const r = await open(token, secret);
    if (r === 'unavailable') item.shown = { state: 'damaged', detail: 'unavailable' };
    else if (r.ok) Object.assign(item, { shown: r.shown, style: r.style });
  }
  item.busy = false;
  redraw();
}

/** The worker can stop mid-decrypt (MV3): ask again with the same secret, which it recorded. */
async function open(token: string, secret: string) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask('thread.open', { token, secret });
    } catch (e) {
      if (!mayRetry(e)) return { ok: false } as const;
      if (attempt >= 3) return 'unavailable' as const;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}

function forgetOldest(): void {
  if (items.size <= MAX_KEPT) return;
  const old = [...items].filter(([t]) => !boxes.has(t)).sort(([, a], [, b]) => a.seen - b.seen);
  for (const [t] of old.slice(0, items.size - MAX_KEPT)) items.delete(t);
}

// Unlocked or locked elsewhere (another chat, the composer, the popup): every message shown again.
onBroadcast(() => {
  for (const [token, item] of items) {
    if (!item.shown) continue;
    void ask('thread.reopen', { token }).then((next) => {
      if (JSON.stringify(next) === JSON.stringify(item.shown)) return;
      item.shown = next;
      redraw();
    }, () => undefined);
  }
});

/** Sizes go to the page in one report per animation frame; a report the stopping worker lost goes again. */
const latest = new Map<string, ThreadSize>();
const unsent = new Set<string>();
/** Tokens reported missing, once each. */
const lost = new Set<string>();
const unsentLost = new Set<string>();
let scheduled = 0;
const schedule = () => (scheduled ||= requestAnimationFrame(() => flush(1)));
function report(token: string, height: number, width: number): void {
  const prev = latest.get(token);
  if (prev && prev[1] === height && prev[2] === width) return;
  latest.set(token, [token, height, width]);
  unsent.add(token);
  schedule();
}
function flush(attempt: number): void {
  scheduled = 0;
  const sizes = [...unsent].map((t) => latest.get(t)!);
  const missing = [...unsentLost];
  unsent.clear();
  unsentLost.clear();
  if (!sizes.length && !missing.length) return;
  ask('thread.layout', { sizes, ...(missing.length ? { missing } : {}) }).catch((e: unknown) => {
    if (!mayRetry(e) || attempt >= 6) return;
    for (const s of sizes) if (latest.get(s[0]) === s) unsent.add(s[0]);
    for (const t of missing) unsentLost.add(t);
    setTimeout(() => flush(attempt + 1), 250 * attempt);
  });
}

/** Each message's natural size: the page's box takes it (its width only when narrower than the bubble). */
const observer = new ResizeObserver((entries) => {
  for (const entry of entries) {
    const el = entry.target as HTMLElement;
    const token = el.dataset.token;
    const full = Number(el.dataset.full);
    if (!token || !el.isConnected) continue;
    const box = el.getBoundingClientRect();
    // Text that fills the bubble wraps to it: only a narrower message narrows its box.
    report(token, Math.ceil(box.height), box.width < full - 3 ? Math.ceil(box.width) : 0);
  }
});

function Message({ token, item, box }: { token: string; item: Item; box: Box }) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current!;
    observer.observe(el);
    return () => observer.unobserve(el);
  }, []);
  const s = item.style;
  const style = {
    left: `${box.x}px`, top: `${box.y}px`, maxWidth: `${box.width}px`,
    ...(s ? { color: s.color, fontSize: s.fontSize, fontFamily: s.fontFamily, lineHeight: s.lineHeight } : {}),
  };
  const show = (next: Rendered) => {
    item.shown = next;
    redraw();
    return next;
  };
  return (
    <div ref={ref} role="article" class={`tmsg${s?.dark ? ' dark' : ''}`} data-token={token} data-mantle-id={item.id} data-full={box.width} style={style}>
      <Body
        r={item.shown!}
        reopen={() => void ask('thread.reopen', { token }).then(show, () => undefined)}
        importKey={(confirmKeyChange) => ask('thread.importKey', { token, confirmKeyChange }).then(show)}
      />
    </div>
  );
}

function Thread() {
  const [, setTick] = useState(0);
  redraw = () => setTick((n) => n + 1);
  // In the list's order, for screen readers and the tab order.
  const shown = [...boxes].filter(([t]) => items.get(t)?.shown).sort(([, a], [, b]) => a.y - b.y);
  return <>{shown.map(([token, box]) => <Message key={token} token={token} item={items.get(token)!} box={box} />)}</>;
}

document.documentElement.classList.add('thread-frame');
render(<Thread />, document.getElementById('root')!);
