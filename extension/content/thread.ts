/**
 * Decrypt on render: finds bubbles whose text is Mantle ciphertext (or an armored OpenPGP block),
 * hides that text and reserves a box (a slot) in its place, which the chat's thread frame draws
 * the message over. Only ciphertext passes through here; the frame asks the background for the
 * plaintext. Multi-part messages are shown once, in their first part's bubble; the other parts'
 * rows are collapsed.
 */
import type { BubbleStyle, ThreadSize } from '@src/protocol';
import type { MessageView, SiteAdapter } from '@src/sites/types';
import { ask } from '../lib/messaging';
import { holdView } from './anchor';
import { alive, onOrphaned, perFrame } from './lifecycle';
import { detect, type Detected } from './detect';
import { plaintextHeight } from './estimate';
import { releaseTokens } from './frame';
import { ThreadFrame } from './thread-frame';

interface Group {
  total: number; parts: Map<number, Detected>; host: MessageView | null; hostIndex: number; gen: number;
  slot?: HTMLElement; token?: string;
  /** A part arrived since the frame was given the message: its token shows the old parts. */
  fresh?: boolean;
  /** The message's last reported size and its bubble's width: a re-rendered row starts there. */
  size?: { height: number; width: string }; full?: number;
}
type Chat = { id: string; title: string };

/**
 * Marks what this instance hid and added: Firefox injects an updated extension's content script
 * next to the orphaned one, whose clean-up must not undo the new one's work.
 */
const OWNER = Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Pixels between an element and the viewport (0: in view). */
function distanceOf(el: HTMLElement): number {
  const box = el.getBoundingClientRect();
  return box.bottom < 0 ? -box.bottom : box.top > innerHeight ? box.top - innerHeight : 0;
}

export class ThreadRenderer {
  private readonly schedule = perFrame(() => this.scan());
  /** Text elements already handled (the site replaces elements when it re-renders rows). */
  private readonly seen = new WeakSet<HTMLElement>();
  private readonly groups = new Map<string, Group>();
  private readonly byToken = new Map<string, Group>();
  /**
   * Groups that hold a row: rows the site unmounts must not stay reachable from here. Every
   * message of a long chat keeps its group (its token and size, for when its row comes back),
   * and a group holding its unmounted row held the row's whole subtree: ~7,000 nodes in the page
   * after scrolling through 500 messages (docs/performance.md, sixteenth round).
   */
  private readonly hosting = new Set<Group>();
  private frame: ThreadFrame | null = null;
  private chat = '';

  constructor(private readonly adapter: SiteAdapter) {}

  start(): void {
    const observer = new MutationObserver(() => this.schedule());
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    onOrphaned(() => {
      observer.disconnect();
      for (const el of document.querySelectorAll<HTMLElement>(`[data-mantle-owner="${OWNER}"]`)) el.remove();
      // Show the ciphertext again rather than leave empty bubbles.
      for (const el of document.querySelectorAll<HTMLElement>(`[data-mantle-hidden="${OWNER}"]`)) el.style.display = '';
    });
    this.schedule();
  }

  /** `missing`: tokens the frame was shown boxes for but no longer holds (it keeps only so many). */
  layout(sizes: ThreadSize[], missing: string[] = []): boolean {
    const hold = this.hold();
    const sized = !!this.frame?.layout(sizes);
    hold();
    for (const [token, height, width] of sizes) {
      const group = this.byToken.get(token);
      if (group?.token === token) group.size = { height, width: width > 0 ? `${Math.min(width, group.full!)}px` : `${group.full}px` };
    }
    const again = missing.flatMap((token): [string, Group][] => {
      const group = this.byToken.get(token);
      if (group?.token !== token || !group.host?.text.isConnected) return [];
      this.frame?.drop(token);
      group.token = undefined;
      return [[[...this.groups].find(([, g]) => g === group)![0], group]];
    });
    if (again.length) this.request(again, { id: this.chat, title: this.adapter.conversation(document, new URL(location.href))?.title ?? '' });
    return sized || again.length > 0;
  }

  private scan(): void {
    const conversation = this.adapter.conversation(document, new URL(location.href));
    const list = conversation && this.adapter.messageList(document);
    if (!conversation || !list) return;
    if (conversation.id !== this.chat) {
      this.chat = conversation.id;
      this.groups.clear();
      this.byToken.clear();
      this.hosting.clear();
    }
    const changed = new Map<string, Group>();
    const messages = this.adapter.messages(list);
    // Taken before the first change, and only when there is one: it reads the layout.
    let hold: (() => void) | undefined;
    for (const msg of messages) {
      if (this.seen.has(msg.text)) continue;
      const text = this.adapter.messageText(msg);
      if (text === null) {
        // Truncated ("Read more"): expand, and read it on the next mutation.
        if (!this.adapter.expand(msg)) this.seen.add(msg.text);
        continue;
      }
      this.seen.add(msg.text);
      const found = detect(text);
      if (!found) continue;
      hold ??= this.hold(messages);
      let group = this.groups.get(found.id);
      if (!group) this.groups.set(found.id, (group = { total: found.total, parts: new Map(), host: null, hostIndex: Infinity, gen: 0 }));
      if (!group.parts.has(found.index)) group.fresh = true;
      group.parts.set(found.index, found);
      if (found.index < group.hostIndex || !group.host?.text.isConnected) {
        if (group.host?.text.isConnected) this.collapse(group.host);
        group.host = msg;
        group.hostIndex = found.index;
        this.hosting.add(group);
      } else {
        this.collapse(msg);
      }
      changed.set(found.id, group);
    }
    // A new frame (the site replaced the list, or the first one) needs every message's token.
    if (messages[0] && this.frameFor(list, messages[0].row)) this.renew(conversation);
    else if (changed.size) this.request([...changed], conversation);
    hold?.();
    // Rows the site virtualized away took their slots with them.
    this.frame?.changed();
    this.letGo();
  }

  /** Forgets the rows the site unmounted; a group whose row comes back is given the new one. */
  private letGo(): void {
    for (const group of this.hosting) {
      if (group.host?.text.isConnected) continue;
      group.host = null;
      if (!group.slot?.isConnected) group.slot = undefined;
      this.hosting.delete(group);
    }
  }

  /** See anchor.ts: the chat's rows stay put on screen while Mantle resizes bubbles. */
  private hold(messages?: MessageView[]): () => void {
    const frame = this.frame;
    const list = frame?.connected && this.adapter.messageList(document);
    if (!frame || !list) return () => {};
    return holdView(frame.scroller, (messages ?? this.adapter.messages(list)).map((m) => m.row));
  }

  /** True when the chat's thread frame had to be made (anew when the site replaced the list). */
  private frameFor(list: HTMLElement, row: HTMLElement): boolean {
    const rows = rowsOf(row, list);
    if (this.frame?.connected && this.frame.rows === rows) return false;
    this.frame?.remove();
    const frame = new ThreadFrame(rows, OWNER, () => {
      if (this.frame === frame) this.renew(this.adapter.conversation(document, new URL(location.href)));
    });
    this.frame = frame;
    return true;
  }

  /** Every message shown on the page asks for a token anew (for a new or reloaded frame, which released the old ones). */
  private renew(chat: Chat | null): void {
    const live = [...this.groups].filter(([, g]) => g.host?.text.isConnected);
    if (live.length && chat) this.request(live, chat);
  }

  /** A later part of a message shown in its first part's bubble: hide its row. */
  private collapse(msg: MessageView): void {
    msg.row.style.display = 'none';
    msg.row.dataset.mantleHidden = OWNER;
    const next = msg.text.nextElementSibling;
    if (next instanceof HTMLElement && next.dataset.mantle === 'slot') next.remove();
  }

  /**
   * Reads everything from the layout in one pass, then reserves each message's slot, then asks for
   * all tokens at once, nearest the viewport first: the background answers, and the frame
   * decrypts, in that order.
   */
  private request(groups: [string, Group][], chat: Chat, attempt = 0): void {
    // A lone new bubble (a message arriving) keeps the ciphertext's height until it shows:
    // shrinking its row at once would move the list under the user before anything is drawn.
    const estimate = groups.length > 1;
    const read = groups.map(([id, group]) => {
      const text = group.host!.text;
      const slot = group.slot?.isConnected && group.slot.previousElementSibling === text ? group.slot : null;
      const style = bubbleStyle(text);
      // Ciphertext is long enough to fill its bubble: its width is the widest the text may be.
      const full = slot ? group.full! : text.clientWidth || group.full || 240;
      const ciphertext = Math.max(text.offsetHeight, 18);
      const height = slot ? null : group.size?.height ?? (estimate ? plaintextHeight([...group.parts.values()].map((d) => d.payload), style, full, ciphertext) : ciphertext);
      return { id, group, style, full, height, distance: distanceOf(slot ?? text), gen: ++group.gen };
    });
    for (const r of read) {
      const { group, full, height } = r;
      group.full = full;
      if (height === null) continue;
      const text = group.host!.text;
      group.slot?.remove();
      const slot = document.createElement('div');
      slot.dataset.mantle = 'slot';
      slot.dataset.mantleId = r.id;
      slot.dataset.mantleOwner = OWNER;
      slot.style.cssText = `display:block;height:${height}px;width:${group.size?.width ?? `${full}px`};max-width:100%;`;
      text.style.display = 'none';
      text.dataset.mantleHidden = OWNER;
      text.after(slot);
      group.slot = slot;
    }
    read.sort((a, b) => a.distance - b.distance);
    for (const { id, group, style, gen } of read) {
      // A row the site mounted again: the frame still holds its message.
      if (!group.fresh && group.token && group.slot && this.frame?.holds(group.token)) {
        group.slot.dataset.mantleToken = group.token;
        this.frame.attach(group.token, { el: group.slot, id, full: group.full! });
        continue;
      }
      const wire = [...group.parts.entries()].sort(([a], [b]) => a - b).map(([, d]) => d.wire);
      const msg = group.host!;
      ask('content.frameToken', { kind: 'message', site: this.adapter.id, conversation: chat, wire, own: msg.own, sender: msg.sender, style }).then(
        ({ token, secret }) => {
          // Superseded (a later part arrived, the row was re-rendered, or the frame is new).
          if (gen !== group.gen || !group.slot?.isConnected || !this.frame?.connected) return releaseTokens([token]);
          if (group.token) this.byToken.delete(group.token);
          // Only now is the frame given every part: until then a re-render asks again.
          group.fresh = false;
          group.token = token;
          this.byToken.set(token, group);
          group.slot.dataset.mantleToken = token;
          this.frame.show(token, secret, { el: group.slot, id, full: group.full! });
        },
        () => {
          // The worker may have been stopping: ask again a few times. Orphaned or refused for
          // good, the slot stays empty.
          if (attempt >= 3 || !alive() || gen !== group.gen || !group.host?.text.isConnected) return;
          setTimeout(() => this.request([[id, group]], chat, attempt + 1), 300 * (attempt + 1));
        },
      );
    }
  }
}

/**
 * What scrolls: the scroller's child that holds the rows (or the scroller, where rows are its own
 * children), found from a row, as the sites' list element may hold the scroller or sit inside it.
 * The thread frame goes inside it, to scroll with the rows.
 */
function rowsOf(row: HTMLElement, list: HTMLElement): HTMLElement {
  for (let el: HTMLElement | null = row; el?.parentElement && el.parentElement !== document.body; el = el.parentElement) {
    const parent = el.parentElement;
    if (!/(auto|scroll)/.test(getComputedStyle(parent).overflowY)) continue;
    return el === row ? parent : el;
  }
  return list;
}

function bubbleStyle(el: HTMLElement): BubbleStyle {
  const cs = getComputedStyle(el);
  const rgb = cs.color.match(/\d+(\.\d+)?/g)?.map(Number) ?? [0, 0, 0];
  // Light text means a dark bubble.
  const luminance = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255;
  return { color: cs.color, fontSize: cs.fontSize, fontFamily: cs.fontFamily, lineHeight: cs.lineHeight, dark: luminance > 0.6 };
}
