/**
 * Keeps Mantle's compose frame attached to the site's compose box. The frame lives outside the
 * site's app root (the SPA re-renders its own tree freely) and follows the box with fixed
 * positioning, re-measured whenever the page changes, scrolls or resizes.
 */
import browser from 'webextension-polyfill';
import type { SiteAdapter } from '@src/sites/types';
import { ask } from '../lib/messaging';

const BADGE = { width: 84, height: 28 };

export class ComposeOverlay {
  private frame: HTMLIFrameElement | null = null;
  private box: HTMLElement | null = null;
  private scheduled = false;
  private readonly resize = new ResizeObserver(() => this.schedule());

  constructor(private readonly adapter: SiteAdapter) {}

  start(): void {
    new MutationObserver(() => this.schedule()).observe(document.documentElement, { childList: true, subtree: true });
    addEventListener('scroll', () => this.schedule(), { capture: true, passive: true });
    addEventListener('resize', () => this.schedule(), { passive: true });
    this.schedule();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      void this.update();
    });
  }

  private async update(): Promise<void> {
    const box = this.adapter.composeBox(document);
    if (box !== this.box) {
      if (this.box) this.resize.unobserve(this.box);
      this.box = box;
      if (box) this.resize.observe(box);
    }
    if (!box) {
      this.frame?.remove();
      this.frame = null;
      return;
    }
    if (!this.frame || !this.frame.isConnected) await this.create();
    this.place(box);
  }

  private async create(): Promise<void> {
    const { token } = await ask('content.frameToken', { kind: 'compose' });
    if (this.frame?.isConnected) return;
    const frame = document.createElement('iframe');
    frame.src = `${browser.runtime.getURL('frames/compose.html')}#${token}`;
    frame.dataset.mantle = 'compose';
    frame.title = 'Mantle';
    // The frame must not inherit page styles that could hide or shrink it.
    frame.style.cssText =
      'position:fixed;z-index:2147483647;border:0;margin:0;padding:0;background:transparent;color-scheme:normal;';
    frame.setAttribute('allowtransparency', 'true');
    document.documentElement.append(frame);
    this.frame = frame;
  }

  private place(box: HTMLElement): void {
    if (!this.frame) return;
    const r = box.getBoundingClientRect();
    const top = r.top + Math.max(0, (r.height - BADGE.height) / 2);
    const left = r.right - BADGE.width - 4;
    const s = this.frame.style;
    s.top = `${Math.round(top)}px`;
    s.left = `${Math.round(left)}px`;
    s.width = `${BADGE.width}px`;
    s.height = `${BADGE.height}px`;
  }
}
