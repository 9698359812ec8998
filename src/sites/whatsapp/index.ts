import type { Conversation, MessageView, SiteAdapter } from '../types';
import { LEXICAL_BOX, label, lastOutside, nearest, only, within } from '../dom';
import * as S from './selectors';

function matches(url: URL): boolean {
  return url.protocol === 'https:' && url.hostname === 'web.whatsapp.com';
}

export interface PrePlainText { time: string; sender: string }

/** Parses "[10:54, 12/9/2025] Alice: " (WhatsApp's copy prefix). */
export function parsePrePlainText(value: string | null | undefined): PrePlainText | null {
  const m = S.PRE_PLAIN_RE.exec(value ?? '');
  return m ? { time: m[1]!.trim(), sender: m[2]!.trim() } : null;
}

function chatTitle(doc: Document): string {
  const el = doc.querySelector(S.TITLE) ?? doc.querySelector(S.TITLE_LOOSE);
  return el?.getAttribute('title')?.trim() || label(el);
}

/** Direction from the row alone; undefined when it does not say (opaque id, mid-run bubble). */
function direction(msg: HTMLElement, dataId: string): boolean | undefined {
  const prefix = S.DATA_ID_DIRECTION.exec(dataId)?.[1];
  if (prefix) return prefix === 'true';
  if (msg.querySelector(S.TAIL_OUT)) return true;
  if (msg.querySelector(S.TAIL_IN)) return false;
  const speaker = msg.querySelector(S.SPEAKER_LABEL)?.getAttribute('aria-label');
  if (speaker) return speaker === S.OWN_SPEAKER;
  if (msg.querySelector(S.DELIVERY_TICKS)) return true;
  if (msg.closest(S.LEGACY_OUT) || msg.querySelector(S.LEGACY_OUT)) return true;
  if (msg.closest(S.LEGACY_IN) || msg.querySelector(S.LEGACY_IN)) return false;
  return undefined;
}

function messages(root: ParentNode): MessageView[] {
  const out: MessageView[] = [];
  const taken = new Set<HTMLElement>();
  let run = null as { own: boolean; sender: string } | null;
  for (const msg of within(root, S.MESSAGE)) {
    // Only the outermost data-id of a message (inner elements may repeat the attribute).
    const outer = msg.parentElement?.closest(S.MESSAGE);
    if (outer && (root === outer || (root as Node).contains(outer))) continue;
    const text = lastOutside(msg, S.TEXT, S.NOT_TEXT);
    if (!text || taken.has(text)) continue; // media, system notices
    taken.add(text);
    const dataId = msg.getAttribute('data-id') ?? '';
    const pre = parsePrePlainText(msg.querySelector(S.PRE_PLAIN)?.getAttribute('data-pre-plain-text'));
    // Tails and labels mark only a run's first bubble: later ones inherit the run's direction.
    const own: boolean = direction(msg, dataId) ?? run?.own ?? false;
    const speaker = msg.querySelector(S.SPEAKER_LABEL)?.getAttribute('aria-label')?.replace(/:$/, '').trim();
    const sender: string = pre?.sender || (own ? 'You' : speaker || (run && !run.own ? run.sender : ''));
    run = { own, sender };
    const row = msg.closest<HTMLElement>(S.ROW) ?? msg;
    out.push({ row, text, own, sender, ...(dataId ? { id: dataId } : {}) });
  }
  return out;
}

/** The "Read more" control of a cut message, if any. */
function readMore(msg: MessageView): HTMLElement | null {
  const scope = msg.text.closest(S.MESSAGE) ?? msg.row;
  const byClass = scope.querySelector<HTMLElement>(S.READ_MORE);
  if (byClass) return byClass;
  for (const b of scope.querySelectorAll<HTMLElement>('[role="button"]')) {
    if (label(b) === S.READ_MORE_TEXT) return b;
  }
  return null;
}

function composeBox(doc: Document): HTMLElement | null {
  return only(doc.querySelector(S.FOOTER), LEXICAL_BOX);
}

export const whatsapp: SiteAdapter = {
  id: 'whatsapp',
  name: 'WhatsApp',
  matches,
  conversation(doc, url): Conversation | null {
    if (!matches(url) || !doc.querySelector(S.MAIN)) return null;
    const title = chatTitle(doc);
    // The URL names no chat, so the id is derived from the header title. Trade-off: renaming a
    // contact or group changes the id (bindings must be redone), and two chats with the same
    // name share one id. The JIDs inside message data-ids would be stable, but are absent in
    // empty chats and in builds with opaque ids, and an id must not change with what is loaded.
    return title ? { id: `wa:${title}`, title } : null;
  },
  composeBox,
  sendButton(doc) {
    const box = composeBox(doc);
    const footer = doc.querySelector(S.FOOTER);
    if (!box || !footer) return null;
    return nearest(box, footer, (el) => {
      const found = [...el.querySelectorAll<HTMLElement>(S.SEND)];
      for (const icon of el.querySelectorAll(S.SEND_ICON)) {
        const b = icon.closest<HTMLElement>('button, [role="button"]');
        if (b) found.push(b);
      }
      return found;
    });
  },
  messageList(doc) {
    return doc.querySelector<HTMLElement>(S.LIST)
      ?? doc.querySelector<HTMLElement>(S.LIST_FALLBACK)
      ?? doc.querySelector(`${S.MAIN} ${S.ROW}`)?.parentElement ?? null;
  },
  messages,
  messageText(msg) {
    // Cut text would decode as garbage: report it as not ready; the caller expands and retries.
    if (readMore(msg)) return null;
    return msg.text.textContent ?? '';
  },
  expand(msg) {
    const button = readMore(msg);
    if (!button) return false;
    button.click();
    return true;
  },
  // WhatsApp shows 768 code points of long text before "Read more": keep each part below that.
  maxMessageLength: 768,
};
