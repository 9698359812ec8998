/**
 * Keeps Mantle's compose frame attached to the site's compose box. The frame lives outside the
 * site's app root (the SPA re-renders its own tree freely) and follows the box with fixed
 * positioning, re-measured whenever the page changes, scrolls or resizes. A new chat (SPA
 * navigation) gets a new frame, bound by the background to that chat.
 */
import type { FrameLayout } from '@src/protocol';
import type { SiteAdapter } from '@src/sites/types';
import { ask } from '../lib/messaging';
import { createFrame, refocus } from './frame';
import { onOrphaned, perFrame } from './lifecycle';

type Mode = 'badge' | 'cover' | 'panel';
const BADGE = { width: 92, height: 30 };
const PANEL_WIDTH = 380;

export class ComposeOverlay {
  private readonly schedule = perFrame(() => this.update());
  private frame: HTMLIFrameElement | null = null;
  private token = '';
  private chat = '';
  private box: HTMLElement | null = null;
  private mode: Mode = 'badge';
  private panelHeight = 320;
  private coverHeight = 0;
  private creating = false;
  private readonly resize = new ResizeObserver(() => this.schedule());

  constructor(private readonly adapter: SiteAdapter) {}

  start(): void {
    const observer = new MutationObserver(() => this.schedule());
    observer.observe(document.documentElement, { childList: true, subtree: true });
    onOrphaned(() => {
      observer.disconnect();
      this.resize.disconnect();
    });
    addEventListener('scroll', () => this.schedule(), { capture: true, passive: true });
    addEventListener('resize', () => this.schedule(), { passive: true });
    this.schedule();
  }

  /** The site's compose box while Mantle's editor covers it (the sender types into it). */
  composeBox(): HTMLElement | null {
    return this.box;
  }

  focusFrame(): void {
    refocus(this.frame);
  }

  layout(token: string, layout: FrameLayout): boolean {
    if (token !== this.token || !this.frame) return false;
    if (layout.action === 'mode') {
      this.mode = layout.mode;
      if (layout.height) this.panelHeight = Math.min(layout.height, innerHeight - 16);
      this.schedule();
    } else if (layout.action === 'size') {
      this.coverHeight = Math.min(layout.height, innerHeight / 2);
      this.schedule();
    }
    return true;
  }

  private async update(): Promise<void> {
    const url = new URL(location.href);
    const conversation = this.adapter.conversation(document, url);
    const box = conversation ? this.adapter.composeBox(document) : null;
    if (box !== this.box) {
      if (this.box) this.resize.unobserve(this.box);
      this.box = box;
      if (box) this.resize.observe(box);
    }
    const chat = conversation ? `${conversation.id}` : '';
    if (!box || !conversation || chat !== this.chat) this.remove();
    if (!box || !conversation) return;
    if (!this.frame && !this.creating) {
      this.creating = true;
      this.chat = chat;
      try {
        await this.create(conversation);
      } finally {
        this.creating = false;
      }
    } else if (this.frame && !this.frame.isConnected) {
      // Something removed our frame: put it back (a new token; the old frame's is spent).
      this.remove();
      this.schedule();
      return;
    }
    this.place(box);
  }

  private remove(): void {
    this.frame?.remove();
    this.frame = null;
    this.token = '';
    this.mode = 'badge';
  }

  private async create(conversation: { id: string; title: string }): Promise<void> {
    const grant = await ask('content.frameToken', { kind: 'compose', site: this.adapter.id, conversation });
    const frame = createFrame('compose', grant, () => {
      if (this.frame !== frame) return;
      this.remove();
      this.schedule();
    });
    frame.setAttribute('allow', 'clipboard-write');
    // Fixed and topmost, with every page style that could hide or shrink it overridden.
    frame.style.cssText =
      'position:fixed;z-index:2147483647;border:0;margin:0;padding:0;background:transparent;color-scheme:normal;display:block;visibility:visible;opacity:1;transform:none;';
    document.documentElement.append(frame);
    this.frame = frame;
    this.token = grant.token;
  }

  private place(box: HTMLElement): void {
    if (!this.frame) return;
    const r = box.getBoundingClientRect();
    let { top, left, width, height } = { top: 0, left: 0, width: BADGE.width, height: BADGE.height };
    if (this.mode === 'cover') {
      // Cover the site's box completely; grow upwards as the user's text grows.
      height = Math.max(r.height, 40, this.coverHeight);
      top = r.bottom - height;
      left = r.left;
      width = r.width;
    } else if (this.mode === 'panel') {
      width = Math.min(PANEL_WIDTH, innerWidth - 16);
      height = this.panelHeight;
      top = Math.max(8, r.bottom - height);
      left = Math.max(8, r.right - width);
    } else {
      top = r.top + (r.height - BADGE.height) / 2;
      left = r.right - BADGE.width - 4;
    }
    const s = this.frame.style;
    s.top = `${Math.round(top)}px`;
    s.left = `${Math.round(left)}px`;
    s.width = `${Math.round(width)}px`;
    s.height = `${Math.round(height)}px`;
  }
}
