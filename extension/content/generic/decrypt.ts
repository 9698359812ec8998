/**
 * Decrypt on request (or on every change, on sites the user enabled): lays a message frame after
 * each element holding Mantle ciphertext or an armored block, and hides the element when it holds
 * nothing else. Only ciphertext passes through here; the frame asks the background for the text.
 */
import { GENERIC_SITE, type BubbleStyle, type FrameLayout } from '@src/protocol';
import { elementsWithCiphertext, findCiphertext, onlyCiphertext } from '@src/anysite/scan';
import { ask } from '../../lib/messaging';
import { createFrame, dropDisconnected, resizeFrame } from '../frame';
import { onOrphaned, perFrame } from '../lifecycle';

export class PageDecrypter {
  private readonly schedule = perFrame(() => this.scan());
  /** Element → the text it was shown for (a changed text is shown again). */
  private readonly shown = new WeakMap<Element, string>();
  private readonly frames = new Map<string, HTMLIFrameElement>();
  private observer: MutationObserver | null = null;

  /** Keeps watching the page: sites render messages long after load. */
  watch(): void {
    if (this.observer) return;
    this.observer = new MutationObserver(() => this.schedule());
    this.observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    onOrphaned(() => {
      this.observer?.disconnect();
      for (const el of document.querySelectorAll<HTMLElement>('[data-mantle-hidden]')) el.style.display = '';
    });
    this.schedule();
  }

  layout(token: string, layout: FrameLayout): boolean {
    const frame = this.frames.get(token);
    if (!frame?.isConnected) return false;
    resizeFrame(frame, layout);
    return true;
  }

  async scan(): Promise<void> {
    const ours = (el: Element) => el instanceof HTMLIFrameElement || (el as HTMLElement).dataset?.mantle !== undefined;
    for (const el of elementsWithCiphertext(document.body, ours)) {
      const text = el.textContent ?? '';
      if (this.shown.get(el) === text) continue;
      this.shown.set(el, text);
      await this.show(el as HTMLElement, text);
    }
    dropDisconnected(this.frames);
  }

  private async show(el: HTMLElement, text: string): Promise<void> {
    // Frames shown for an earlier text of this element go; the element is shown anew.
    while (el.nextElementSibling instanceof HTMLIFrameElement && el.nextElementSibling.dataset.mantle === 'message') el.nextElementSibling.remove();
    const style = bubbleStyle(el);
    const conversation = { id: location.origin, title: location.hostname };
    let after: Element = el;
    for (const found of findCiphertext(text)) {
      const grant = await ask('content.frameToken', { kind: 'message', site: GENERIC_SITE, conversation, wire: found.wire, own: false, sender: '', style });
      const frame = createFrame('message', grant, () => {
        if (frame.isConnected) this.shown.delete(el), this.schedule();
      });
      frame.dataset.mantleId = found.id;
      frame.style.cssText = `display:block;border:0;margin:0;padding:0;background:transparent;width:100%;min-width:120px;max-width:100%;height:24px;color-scheme:${style.dark ? 'dark' : 'light'};`;
      after.after(frame);
      after = frame;
      this.frames.set(grant.token, frame);
    }
    if (onlyCiphertext(text)) {
      el.style.display = 'none';
      el.dataset.mantleHidden = '';
    }
  }
}

function bubbleStyle(el: HTMLElement): BubbleStyle {
  const cs = getComputedStyle(el);
  const rgb = cs.color.match(/\d+(\.\d+)?/g)?.map(Number) ?? [0, 0, 0];
  const luminance = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255;
  return { color: cs.color, fontSize: cs.fontSize, fontFamily: cs.fontFamily, lineHeight: cs.lineHeight, dark: luminance > 0.6 };
}
