/**
 * One message frame loaded ahead, for the next bubble that comes into view: most often a message
 * arriving in the open chat, which otherwise waits for a whole frame document to load (~150 ms,
 * docs/performance.md). It loads only once the chat has been quiet for a while, so it never
 * competes with the frames of a screen being shown, and it is moved into place with
 * `moveBefore`, which keeps its document (where the browser lacks it, there is no spare).
 * Its URL names no token: it waits for the grant the content script posts into it, and refuses
 * the ones the page posts.
 */
import browser from 'webextension-polyfill';
import { alive } from './lifecycle';
import { postInto } from './frame';

const QUIET_MS = 500;

export interface TakenFrame { el: HTMLIFrameElement; grant(g: { token: string; secret: string }): void }

type Movable = Node & { moveBefore(node: Node, child: Node | null): void };
const canMove = 'moveBefore' in Element.prototype;

export class Spare {
  private el: HTMLIFrameElement | null = null;
  private ready = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once a spare is in use: a second load means the page or the site moved it. */
  private readonly onReload = new WeakMap<HTMLIFrameElement, () => void>();

  /** `quiet`: no frame of Mantle's is waiting or loading, and a chat is open. */
  constructor(private readonly quiet: () => boolean) {}

  /** A chat is open: have a spare once it has been quiet for a while. */
  ensure(): void {
    if (!canMove || this.el || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      requestIdleCallback(() => (this.quiet() ? this.load() : this.ensure()), { timeout: 2_000 });
    }, QUIET_MS);
  }

  /** Mantle's frames are busy: start the quiet while again. */
  busy(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.ensure();
  }

  /** Drops the spare (the chat went away, or Mantle stops here). */
  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.el?.remove();
    this.el = null;
    this.ready = false;
  }

  private load(): void {
    if (this.el || !alive()) return;
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
      if (++loads === 1) this.ready = this.el === el;
      else if (this.el === el) this.clear();
      else this.onReload.get(el)?.();
    });
    this.el = el;
    document.documentElement.append(el);
  }

  /**
   * The loaded spare, moved to just after `anchor`, or null when there is none ready. `onReload`
   * runs if it loads again later (a frame's claim is spent on its first grant).
   */
  take(anchor: HTMLElement, onReload: () => void): TakenFrame | null {
    const el = this.el;
    if (!el || !this.ready || !el.isConnected || !anchor.parentNode) return null;
    this.el = null;
    this.ready = false;
    this.onReload.set(el, onReload);
    el.removeAttribute('aria-hidden');
    el.removeAttribute('tabindex');
    (anchor.parentNode as unknown as Movable).moveBefore(el, anchor.nextSibling);
    this.busy();
    return { el, grant: (g) => postInto(el, { mantleGrant: g }) };
  }
}
