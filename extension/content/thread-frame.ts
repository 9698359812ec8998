/**
 * The page's side of the thread frame: one extension-origin frame per chat, inside the element
 * that holds the list's rows so it scrolls with them, that draws every decrypted message over the
 * box (a slot) reserved for it in its bubble. The frame is clipped to the slots: elsewhere the
 * pointer and the wheel reach the site. Only tokens, secrets and boxes go into it; never plaintext
 * out of it.
 */
import browser from '../lib/browser';
import type { ThreadSize } from '@src/protocol';
import { postInto, releaseTokens } from './frame';
import { perFrame } from './lifecycle';

/** The frame's top moves in steps of this: a slot added above the others moves no drawn message. */
const STEP_PX = 1000;
/**
 * Messages kept drawn-ready in the frame while their rows are out of the site's virtualized list:
 * a row mounted again shows at once, with no new token or round trip. Below the frame's own cap
 * (thread.tsx keeps 300), which also holds the messages on screen.
 */
const PARK_MAX = 200;

export interface Slot { el: HTMLElement; id: string; full: number }

export class ThreadFrame {
  readonly el = document.createElement('iframe');
  /** What scrolls the rows. */
  readonly scroller: HTMLElement | null;
  /**
   * Exactly the rows' box, and clipping to it: the frame lags the rows by a frame or two, and
   * reaching past their end it lengthened the scroll, so the site's list (following its newest
   * row) scrolled, mounted and dropped rows, moved the frame again, and never settled.
   */
  private readonly clip = document.createElement('div');
  private readonly slots = new Map<string, Slot>();
  /** Tokens whose slot left the page, oldest first: the frame still holds their messages. */
  private readonly parked = new Set<string>();
  private grants: [string, string, string][] = [];
  private loaded = false;
  private top = -1;
  private readonly place = perFrame(() => this.draw());
  private readonly resized = new ResizeObserver(() => this.place());

  /**
   * `rows`: the element holding the list's rows (what scrolls); `owner` marks what this content
   * script added. `onReload`: the frame loaded
   * again (the page or the site moved it), so every token must be asked again.
   */
  constructor(readonly rows: HTMLElement, owner: string, onReload: () => void) {
    const el = this.el;
    el.src = browser.runtime.getURL('frames/thread.html');
    el.dataset.mantle = 'thread';
    el.title = 'Mantle';
    // Above the rows (a row positioned by the site would paint over it); clipped to the slots.
    el.style.cssText = 'position:absolute;left:0;top:0;width:0;height:0;border:0;margin:0;padding:0;background:transparent;color-scheme:light;pointer-events:auto;clip-path:inset(50%);';
    this.clip.dataset.mantle = 'thread-clip';
    this.clip.dataset.mantleOwner = owner;
    this.clip.style.cssText = 'position:absolute;inset:0;overflow:clip;pointer-events:none;z-index:1;margin:0;padding:0;border:0;';
    let loads = 0;
    el.addEventListener('load', () => {
      this.loaded = true;
      // A second load is a new document, which holds none of the messages (their tokens are spent).
      if (++loads > 1) {
        this.grants = [];
        releaseTokens([...this.slots.keys(), ...this.parked]);
        this.slots.clear();
        this.parked.clear();
        return onReload();
      }
      this.place();
    });
    // The clip takes the rows' box: they must be its containing block.
    const cs = getComputedStyle(rows);
    if (cs.position === 'static') rows.style.position = 'relative';
    // Rows that are the scroller's own children: its box is the viewport, not the rows' (no clip).
    const own = /(auto|scroll)/.test(cs.overflowY);
    if (own) Object.assign(this.clip.style, { overflow: 'visible', bottom: 'auto', height: '0' });
    this.scroller = own ? rows : rows.parentElement;
    this.clip.append(el);
    rows.prepend(this.clip);
    this.resized.observe(rows);
  }

  get connected(): boolean {
    return this.el.isConnected && this.clip.parentElement === this.rows;
  }

  /** A message's token and secret, for the slot that shows it. */
  show(token: string, secret: string, slot: Slot): void {
    for (const [t, s] of this.slots) if (s.el === slot.el && t !== token) this.drop(t);
    this.slots.set(token, slot);
    // Into a loaded frame at once: it opens the message while the box is placed, not after.
    if (this.loaded) postInto(this.el, { mantleThread: { grants: [[token, secret, slot.id]] } });
    else this.grants.push([token, secret, slot.id]);
    this.place();
  }

  /** Whether the frame holds this token's message (shown, or parked while its row is away). */
  holds(token: string): boolean {
    return this.slots.has(token) || this.parked.has(token);
  }

  /** A message the frame already holds, in the new slot of its row mounted again. */
  attach(token: string, slot: Slot): void {
    this.parked.delete(token);
    this.slots.set(token, slot);
    this.place();
  }

  /** A token no longer used: its record in the background can go. */
  drop(token: string): void {
    this.slots.delete(token);
    this.parked.delete(token);
    releaseTokens([token]);
  }

  /** The frame's messages' sizes: their slots take them. */
  layout(sizes: ThreadSize[]): boolean {
    let any = false;
    for (const [token, height, width] of sizes) {
      const slot = this.slots.get(token);
      if (!slot?.el.isConnected) continue;
      any = true;
      slot.el.style.height = `${height}px`;
      slot.el.style.width = width > 0 ? `${Math.min(width, slot.full)}px` : `${slot.full}px`;
      slot.el.dataset.mantleHeight = String(height);
      slot.el.dataset.mantleReported = width > 0 ? String(width) : '';
    }
    if (any) this.place();
    return any;
  }

  /** Something moved in the list (rows added, re-rendered, resized). */
  changed(): void {
    for (const [token, slot] of this.slots) {
      if (slot.el.isConnected) continue;
      this.slots.delete(token);
      this.parked.add(token);
    }
    const over = this.parked.size - PARK_MAX;
    if (over > 0) {
      const oldest = [...this.parked].slice(0, over);
      for (const t of oldest) this.parked.delete(t);
      releaseTokens(oldest);
    }
    this.place();
  }

  remove(): void {
    this.resized.disconnect();
    this.clip.remove();
    releaseTokens([...this.slots.keys(), ...this.parked]);
    this.slots.clear();
    this.parked.clear();
  }

  /** Reads every slot's box (one layout), then moves the frame over them and tells it where they are. */
  private draw(): void {
    if (!this.connected) return;
    const origin = this.clip.getBoundingClientRect();
    const ox = origin.left;
    const oy = origin.top;
    const found: [string, number, number, number, number, number][] = [];
    for (const [token, slot] of this.slots) {
      const r = slot.el.getBoundingClientRect();
      if (!r.width && !r.height) continue;
      found.push([token, r.left - ox, r.top - oy, r.width, r.height, slot.full]);
    }
    const width = origin.width;
    if (!found.length) {
      this.el.style.height = '0px';
      this.post([]);
      return;
    }
    const minY = Math.min(...found.map((f) => f[2]));
    const maxY = Math.max(...found.map((f) => f[2] + f[4]));
    let top = Math.max(Math.floor(minY / STEP_PX) * STEP_PX, 0);
    // Keep the frame where it is while it still covers every slot: nothing drawn needs to move.
    if (this.top >= 0 && this.top <= minY && minY - this.top < STEP_PX) top = this.top;
    this.top = top;
    const rects = found.map(([, x, y, w, h]) => `M${x} ${y - top}h${w}v${h}h${-w}Z`).join('');
    Object.assign(this.el.style, {
      top: `${top}px`, width: `${width}px`, height: `${maxY - top}px`, clipPath: `path('${rects}')`,
    });
    this.post(found.map(([token, x, y, , , full]) => [token, x, y - top, full]));
  }

  private post(boxes: [string, number, number, number][]): void {
    if (!this.loaded) return;
    const grants = this.grants;
    this.grants = [];
    postInto(this.el, { mantleThread: { grants, boxes } });
  }
}
