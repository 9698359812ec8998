/**
 * Message frames loaded ahead, for the next bubbles that come into view: a message arriving in
 * the open chat, or the first screen of the next chat opened, which otherwise wait for a whole
 * frame document each to load (~0.1–0.15 s per bubble, docs/performance.md). They load one at a
 * time, only once the chat has been quiet for a while and the page is idle, so they never compete
 * with the frames of a screen being shown; `moveBefore` puts one in place with its document kept
 * (where the browser lacks it, there are no spares). A spare's URL names no token: it waits for
 * the grant the content script posts into it, and refuses the ones the page posts.
 */
import browser from 'webextension-polyfill';
import { alive } from './lifecycle';
import { postInto } from './frame';

const QUIET_MS = 500;
/**
 * One screen of bubbles, so that the next chat's first screen needs no document loaded: the
 * height of the chat's messages on screen over a one-line message's row (its line, the signature
 * line, the bubble's padding and the gap to the next row; longer messages make fewer rows, and a
 * spare left over waits for the next). Between these bounds: each spare is a document of a few MB.
 */
const ROW_PX = 56;
const MIN_SPARES = 4;
const MAX_SPARES = 12;

export interface TakenFrame { el: HTMLIFrameElement; grant(g: { token: string; secret: string }): void }

type Movable = Node & { moveBefore(node: Node, child: Node | null): void };
const canMove = 'moveBefore' in Element.prototype;

export class Spare {
  /** Loaded or loading, oldest first; each is off screen, outside the page's body. */
  private shelf: HTMLIFrameElement[] = [];
  private readonly ready = new WeakSet<HTMLIFrameElement>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once a spare is in use: a second load means the page or the site moved it. */
  private readonly onReload = new WeakMap<HTMLIFrameElement, () => void>();
  private want = MIN_SPARES;

  /**
   * `quiet`: no frame of Mantle's is waiting or loading, and a chat is open. `listHeight`: pixels
   * of the chat's messages on screen (read only when a spare is about to load: the page is idle).
   */
  constructor(private readonly quiet: () => boolean, private readonly listHeight: () => number) {}

  /** A chat is open: fill the shelf once it has been quiet for a while, one spare at a time. */
  ensure(delay = QUIET_MS): void {
    if (!canMove || this.timer) return;
    this.shelf = this.shelf.filter((el) => el.isConnected);
    if (this.shelf.length >= this.want || this.shelf.some((el) => !this.ready.has(el))) return;
    // Kept until the idle callback runs, so that `busy()` in between cancels that too.
    const timer = setTimeout(() => {
      requestIdleCallback(() => {
        if (this.timer !== timer) return;
        this.timer = undefined;
        if (!this.quiet()) return this.ensure();
        this.want = Math.min(Math.max(Math.ceil(this.listHeight() / ROW_PX), MIN_SPARES), MAX_SPARES);
        // The window may have shrunk since the last count: the shelf may be full already.
        if (this.shelf.length < this.want) this.load();
      }, { timeout: 2_000 });
    }, delay);
    this.timer = timer;
  }

  /** Mantle's frames are busy: start the quiet while again. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ensure();
  }

  /** Drops every spare (Mantle stops here). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (const el of this.shelf) el.remove();
    this.shelf = [];
  }

  private load(): void {
    if (!alive()) return;
    const name = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, '0')).join('');
    const el = document.createElement('iframe');
    el.src = `${browser.runtime.getURL('frames/message.html')}#spare-${name}`;
    el.dataset.mantle = 'message';
    el.title = 'Mantle';
    el.setAttribute('aria-hidden', 'true');
    el.tabIndex = -1;
    // Laid out (so it loads and paints as a visible frame would) but off screen.
    el.style.cssText = 'position:fixed;left:-10000px;top:0;width:300px;height:40px;border:0;margin:0;padding:0;background:transparent;';
    let loads = 0;
    el.addEventListener('load', () => {
      if (++loads > 1) return this.shelf.includes(el) ? this.drop(el) : this.onReload.get(el)?.();
      if (!this.shelf.includes(el)) return;
      this.ready.add(el);
      // The next one needs no quiet while of its own: the page is still idle if `quiet` says so.
      this.ensure(0);
    });
    this.shelf.push(el);
    document.documentElement.append(el);
  }

  /** A spare that loaded again on the shelf was navigated by someone else: never use it. */
  private drop(el: HTMLIFrameElement): void {
    this.shelf = this.shelf.filter((e) => e !== el);
    el.remove();
    this.ensure();
  }

  /**
   * A loaded spare, moved to just after `anchor`, or null when there is none ready. `onReload`
   * runs if it loads again later (a frame's claim is spent on its first grant).
   */
  take(anchor: HTMLElement, onReload: () => void): TakenFrame | null {
    const el = this.shelf.find((e) => this.ready.has(e) && e.isConnected);
    if (!el || !anchor.parentNode) return null;
    this.shelf = this.shelf.filter((e) => e !== el);
    this.onReload.set(el, onReload);
    el.removeAttribute('aria-hidden');
    el.removeAttribute('tabindex');
    (anchor.parentNode as unknown as Movable).moveBefore(el, anchor.nextSibling);
    this.busy();
    return { el, grant: (g) => postInto(el, { mantleGrant: g }) };
  }
}
