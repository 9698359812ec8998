/**
 * Mantle's secure composer for one field on a site without an adapter: the same extension-origin
 * compose frame as on the chat sites, laid over (or next to) the field. The frame's "send" puts
 * ciphertext into the field; the user then sends it with the site's own button.
 */
import { GENERIC_SITE, type FrameLayout } from '@src/protocol';
import type { Field } from '@src/anysite/field';
import { ask } from '../../lib/messaging';
import { createFrame, refocus } from '../frame';
import { alive, onOrphaned } from '../lifecycle';

type Mode = 'badge' | 'cover' | 'panel';
const BADGE = { width: 92, height: 30 };
const PANEL_WIDTH = 380;

export class FieldComposer {
  private frame: HTMLIFrameElement | null = null;
  private token = '';
  private mode: Mode = 'badge';
  private panelHeight = 320;
  private coverHeight = 0;
  private scheduled = false;
  private readonly resize = new ResizeObserver(() => this.schedule());
  private readonly observer = new MutationObserver(() => this.schedule());

  constructor(readonly field: Field) {}

  async open(): Promise<void> {
    const conversation = { id: location.origin, title: location.hostname };
    const grant = await ask('content.frameToken', { kind: 'compose', site: GENERIC_SITE, conversation });
    const frame = createFrame('compose', grant, () => {
      // Moved or reloaded by the page: a claim is spent on first load, so start over.
      if (this.frame !== frame) return;
      this.close();
      void this.open();
    });
    frame.style.cssText =
      'position:fixed;z-index:2147483647;border:0;margin:0;padding:0;background:transparent;color-scheme:normal;display:block;visibility:visible;opacity:1;transform:none;';
    document.documentElement.append(frame);
    this.frame = frame;
    this.token = grant.token;
    this.resize.observe(this.field.el);
    this.observer.observe(document.documentElement, { childList: true, subtree: true });
    addEventListener('scroll', this.onMove, { capture: true, passive: true });
    addEventListener('resize', this.onMove, { passive: true });
    onOrphaned(() => this.close());
    this.schedule();
  }

  close(): void {
    this.frame?.remove();
    this.frame = null;
    this.token = '';
    this.resize.disconnect();
    this.observer.disconnect();
    removeEventListener('scroll', this.onMove, { capture: true });
    removeEventListener('resize', this.onMove);
  }

  focusFrame(): void {
    refocus(this.frame);
  }

  get isOpen(): boolean {
    return !!this.frame;
  }

  layout(token: string, layout: FrameLayout): boolean {
    if (!this.frame || token !== this.token) return false;
    if (layout.action === 'mode') {
      this.mode = layout.mode;
      if (layout.height) this.panelHeight = Math.min(layout.height, innerHeight - 16);
    } else if (layout.action === 'size') {
      this.coverHeight = Math.min(layout.height, innerHeight / 2);
    }
    this.schedule();
    return true;
  }

  private readonly onMove = () => this.schedule();

  private schedule(): void {
    if (this.scheduled || !alive()) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.place();
    });
  }

  private place(): void {
    if (!this.frame) return;
    // The field is gone (the site re-rendered its editor): the composer has nowhere to write.
    if (!this.field.el.isConnected) return this.close();
    if (!this.frame.isConnected) document.documentElement.append(this.frame);
    const r = this.field.el.getBoundingClientRect();
    let top: number, left: number, width: number, height: number;
    if (this.mode === 'cover') {
      height = Math.max(r.height, 40, this.coverHeight);
      width = Math.max(r.width, 260);
      top = Math.max(0, r.bottom - height);
      left = Math.max(0, Math.min(r.left, innerWidth - width));
    } else if (this.mode === 'panel') {
      width = Math.min(PANEL_WIDTH, innerWidth - 16);
      height = this.panelHeight;
      top = Math.max(8, Math.min(r.bottom - height, innerHeight - height - 8));
      left = Math.max(8, Math.min(r.right - width, innerWidth - width - 8));
    } else {
      ({ width, height } = BADGE);
      top = r.top + Math.max(0, (Math.min(r.height, 60) - height) / 2);
      left = r.right - width - 4;
    }
    const s = this.frame.style;
    s.top = `${Math.round(top)}px`;
    s.left = `${Math.round(left)}px`;
    s.width = `${Math.round(width)}px`;
    s.height = `${Math.round(height)}px`;
  }
}
