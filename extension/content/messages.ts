/**
 * Decrypt on render: finds bubbles whose text is Mantle ciphertext (or an armored OpenPGP block)
 * and lays a message frame over their text. Only ciphertext passes through here; the frame asks
 * the background for the plaintext. Multi-part messages are shown once, in their first part's
 * bubble; the other parts' bubbles are collapsed.
 */
import type { BubbleStyle, FrameLayout } from '@src/protocol';
import type { MessageView, SiteAdapter } from '@src/sites/types';
import { ask } from '../lib/messaging';
import { alive, onOrphaned, perFrame } from './lifecycle';
import { detect, type Detected } from './detect';
import { plaintextHeight } from './estimate';
import { createFrame, dropDisconnected, resizeFrame } from './frame';
import { Spare } from './spare';

interface Group { total: number; parts: Map<number, Detected>; host: MessageView | null; hostIndex: number; token: string; gen: number }
type Chat = { id: string; title: string };
/** A frame on its way into a bubble: read from the layout first, inserted later in a batch. */
interface Pending { group: Group; id: string; chat: Chat; gen: number; style: BubbleStyle; height: number; width: number; distance: number; requested: number; grant?: { token: string; secret: string } }

/** Main-thread time per animation frame spent inserting frames (each insertion creates a browsing context). */
const INSERT_BUDGET_MS = 8;
/**
 * Every frame document loading at once shares the same cores (issue 7): frames for bubbles off
 * screen wait while a frame in view has not shown its content yet, for at most this long.
 */
const HOLD_MS = 1500;
const HOLD_CHECK_MS = 100;

/** Pixels between an element and the viewport (0: in view). */
function distanceOf(el: HTMLElement): number {
  const box = el.getBoundingClientRect();
  return box.bottom < 0 ? -box.bottom : box.top > innerHeight ? box.top - innerHeight : 0;
}

export class MessageRenderer {
  private readonly schedule = perFrame(() => this.scan());
  /** Text elements already handled (the site replaces elements when it re-renders rows). */
  private readonly seen = new WeakSet<HTMLElement>();
  private readonly groups = new Map<string, Group>();
  private readonly frames = new Map<string, HTMLIFrameElement>();
  private readonly queue: Pending[] = [];
  private flushing = false;
  private holding: ReturnType<typeof setTimeout> | undefined;
  /** Frames inserted in view that have not reported their content's size yet, and when. */
  private readonly loading = new Map<string, number>();
  private chat = '';
  private readonly spare = new Spare(
    () => !!this.chat && !this.queue.length && !this.inViewLoading(performance.now()),
    () => {
      const box = this.adapter.messageList(document)?.getBoundingClientRect();
      return box ? Math.max(Math.min(box.bottom, innerHeight) - Math.max(box.top, 0), 0) : 0;
    },
  );

  constructor(private readonly adapter: SiteAdapter) {}

  start(): void {
    const observer = new MutationObserver(() => this.schedule());
    observer.observe(document.documentElement, { childList: true, subtree: true, characterData: true });
    onOrphaned(() => {
      observer.disconnect();
      this.queue.length = 0;
      this.spare.clear();
      // Show the ciphertext again rather than leave empty bubbles.
      for (const el of document.querySelectorAll<HTMLElement>('[data-mantle-hidden]')) el.style.display = '';
    });
    this.schedule();
  }

  layout(token: string, layout: FrameLayout): boolean {
    const frame = this.frames.get(token);
    if (!frame) return false;
    if (!frame.isConnected) {
      dropDisconnected(this.frames);
      return false;
    }
    resizeFrame(frame, layout);
    this.spare.busy();
    if (this.loading.delete(token) && !this.loading.size && this.queue.length) this.kick();
    return true;
  }

  private scan(): void {
    const conversation = this.adapter.conversation(document, new URL(location.href));
    const list = conversation && this.adapter.messageList(document);
    if (!conversation || !list) return;
    this.spare.ensure();
    if (conversation.id !== this.chat) {
      this.chat = conversation.id;
      this.groups.clear();
      this.queue.length = 0;
    }
    const changed = new Map<string, Group>();
    for (const msg of this.adapter.messages(list)) {
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
      let group = this.groups.get(found.id);
      if (!group) this.groups.set(found.id, (group = { total: found.total, parts: new Map(), host: null, hostIndex: Infinity, token: '', gen: 0 }));
      group.parts.set(found.index, found);
      if (found.index < group.hostIndex || !group.host?.text.isConnected) {
        if (group.host?.text.isConnected) this.collapse(group.host);
        group.host = msg;
        group.hostIndex = found.index;
      } else {
        this.collapse(msg);
      }
      changed.set(found.id, group);
    }
    if (changed.size) this.request([...changed], conversation);
    // Rows the site virtualized away took their frames with them.
    dropDisconnected(this.frames);
  }

  /** A later part of a message shown in its first part's bubble: hide its row. */
  private collapse(msg: MessageView): void {
    msg.row.style.display = 'none';
    msg.row.dataset.mantleHidden = '';
    this.frameIn(msg)?.remove();
  }

  private frameIn(msg: MessageView): HTMLIFrameElement | null {
    const next = msg.text.nextElementSibling;
    return next instanceof HTMLIFrameElement && next.dataset.mantle === 'message' ? next : null;
  }

  /**
   * Reads everything the frames need from the layout in one pass (no writes in between, so one
   * style and layout computation), then asks for all tokens at once, nearest the viewport first:
   * the background answers, and the frames decrypt, in that order.
   */
  private request(groups: [string, Group][], chat: Chat, attempt = 0): void {
    // A lone new bubble (a message arriving) keeps the ciphertext's height until its frame shows:
    // shrinking its row at once would bring an older row into view whose frame loads alongside.
    const estimate = groups.length > 1;
    const pending: Pending[] = groups.map(([id, group]) => {
      const text = group.host!.text;
      const distance = distanceOf(text);
      const style = bubbleStyle(text);
      // Ciphertext is long enough to fill its bubble: its width is the widest the text may be.
      const width = text.clientWidth;
      const ciphertext = Math.max(text.offsetHeight, 18);
      const height = estimate ? plaintextHeight([...group.parts.values()].map((d) => d.payload), style, width, ciphertext) : ciphertext;
      return { group, id, chat, gen: ++group.gen, style, height, width, distance, requested: performance.now() };
    });
    pending.sort((a, b) => a.distance - b.distance);
    for (const p of pending) {
      const { group, style } = p;
      const wire = [...group.parts.entries()].sort(([a], [b]) => a - b).map(([, d]) => d.wire);
      const msg = group.host!;
      ask('content.frameToken', { kind: 'message', site: this.adapter.id, conversation: chat, wire, own: msg.own, sender: msg.sender, style }).then(
        (grant) => this.enqueue({ ...p, grant }),
        () => {
          // The worker may have been stopping: ask again a few times. Orphaned or refused for
          // good, the bubble keeps its ciphertext.
          if (attempt < 3 && alive() && p.gen === group.gen) setTimeout(() => this.request([[p.id, group]], chat, attempt + 1), 300 * (attempt + 1));
        },
      );
    }
  }

  private enqueue(p: Pending): void {
    this.queue.push(p);
    this.kick();
  }

  private kick(): void {
    clearTimeout(this.holding);
    this.holding = undefined;
    if (this.flushing) return;
    this.flushing = true;
    requestAnimationFrame(() => this.flush());
  }

  /**
   * Inserts queued frames, nearest first, within a time budget per animation frame; frames off
   * screen wait while one in view is loading (the user may have scrolled: distances are read again).
   */
  private flush(): void {
    this.flushing = false;
    if (!alive()) return;
    const start = performance.now();
    this.measure();
    let held = false;
    let remeasured = false;
    while (this.queue.length && performance.now() - start < INSERT_BUDGET_MS) {
      // Frames just inserted at their plaintext's height brought more rows into view: one more
      // layout read (a forced layout, once per batch) lets those go first, in this same batch.
      if (!remeasured && this.queue[0]!.distance > 0 && this.loading.size) {
        remeasured = true;
        this.measure();
      }
      const next = this.queue[0]!;
      if (next.distance > 0 && start - next.requested < HOLD_MS && this.inViewLoading(start)) {
        held = true;
        break;
      }
      this.insert(this.queue.shift()!);
    }
    if (!this.queue.length) return;
    if (held) this.holding ??= setTimeout(() => this.kick(), HOLD_CHECK_MS);
    else this.kick();
  }

  private measure(): void {
    for (const p of this.queue) if (p.group.host?.text.isConnected) p.distance = distanceOf(p.group.host.text);
    this.queue.sort((a, b) => a.distance - b.distance);
  }

  private inViewLoading(now: number): boolean {
    for (const [token, at] of this.loading) if (now - at > HOLD_MS || !this.frames.get(token)?.isConnected) this.loading.delete(token);
    return this.loading.size > 0;
  }

  private insert(p: Pending): void {
    const { group, id, chat, style, height, width } = p;
    const grant = p.grant!;
    const msg = group.host;
    // Superseded (a later part arrived, or the row was re-rendered): a newer request follows.
    if (p.gen !== group.gen || !msg?.text.isConnected) return;
    const again = () => {
      if (group.token === grant.token && frame.isConnected) this.request([[id, group]], chat);
    };
    this.frameIn(msg)?.remove();
    // A bubble in view takes the spare (already loaded) when there is one.
    const spare = p.distance === 0 ? this.spare.take(msg.text, again) : null;
    const frame = spare?.el ?? createFrame('message', grant, again);
    this.spare.busy();
    // The wire message id: lets the user's tools (and tests) tell which message a frame shows.
    frame.dataset.mantleId = id;
    // A percentage would resolve against the bubble, which shrinks to its content: an iframe's
    // default 300 px. Start as wide as the ciphertext was; the frame narrows to shorter text.
    const full = width > 0 ? `${width}px` : '100%';
    frame.dataset.mantleWidth = full;
    frame.style.cssText = `display:block;border:0;margin:0;padding:0;background:transparent;width:${full};min-width:120px;max-width:100%;height:${height}px;color-scheme:${style.dark ? 'dark' : 'light'};`;
    msg.text.style.display = 'none';
    msg.text.dataset.mantleHidden = '';
    if (spare) spare.grant(grant);
    else msg.text.after(frame);
    // The group's earlier frame stays listed while it is on the page: the next scan drops it once
    // it has gone, and tells the background.
    group.token = grant.token;
    this.frames.set(grant.token, frame);
    if (p.distance === 0) this.loading.set(grant.token, performance.now());
  }
}

function bubbleStyle(el: HTMLElement): BubbleStyle {
  const cs = getComputedStyle(el);
  const rgb = cs.color.match(/\d+(\.\d+)?/g)?.map(Number) ?? [0, 0, 0];
  // Light text means a dark bubble.
  const luminance = (0.2126 * rgb[0]! + 0.7152 * rgb[1]! + 0.0722 * rgb[2]!) / 255;
  return { color: cs.color, fontSize: cs.fontSize, fontFamily: cs.fontFamily, lineHeight: cs.lineHeight, dark: luminance > 0.6 };
}
