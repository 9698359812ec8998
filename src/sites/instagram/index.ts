import type { Conversation, MessageView, SiteAdapter } from '../types';
import { inlineFlexEnd, label, lexicalBox, nearest, within } from '../dom';
import * as S from './selectors';

function matches(url: URL): boolean {
  return url.protocol === 'https:' && url.hostname === 'www.instagram.com';
}

/** The open thread's container; the main region when a build drops the labelled container. */
function scope(doc: Document): HTMLElement | null {
  return doc.querySelector<HTMLElement>(S.THREAD_CONTAINER) ?? doc.querySelector<HTMLElement>(S.MAIN);
}

function title(doc: Document): string {
  const thread = doc.querySelector(S.THREAD_CONTAINER);
  const main = doc.querySelector(S.MAIN);
  for (const where of [thread, main]) {
    const name = where?.querySelector(S.TITLE)?.getAttribute('title')?.trim();
    if (name) return name;
  }
  return S.THREAD_LABEL.exec(thread?.getAttribute('aria-label')?.trim() ?? '')?.[1]?.trim() ?? '';
}

/** A bubble's text element. A multi-paragraph message may hold several div[dir=auto] in one
 * span; the span then is the element whose textContent is the whole text. */
function textOf(bubble: HTMLElement): HTMLElement | null {
  const first = bubble.querySelector<HTMLElement>(S.TEXT);
  const span = first?.parentElement;
  if (span && span.querySelectorAll(':scope > div[dir="auto"]').length > 1) return span;
  return first;
}

function messages(root: ParentNode): MessageView[] {
  const out: MessageView[] = [];
  const taken = new Set<HTMLElement>();
  let run = null as { own: boolean; sender: string } | null;
  for (const bubble of within(root, S.BUBBLE)) {
    const text = textOf(bubble);
    if (!text || taken.has(text)) continue; // photos, reels, voice notes: no text
    taken.add(text);
    const row = bubble.closest<HTMLElement>(S.ROW) ?? bubble.closest<HTMLElement>(S.CELL) ?? bubble;
    // The hidden h6 heads a run only; the rest of the run inherits from it.
    const heading = label(row.querySelector(S.HEADING));
    let own: boolean | undefined;
    let sender: string | undefined;
    if (heading) {
      own = S.OWN_HEADING.test(heading);
      if (!own) sender = heading;
    }
    if (own === undefined && inlineFlexEnd(bubble, row)) own = true;
    const avatar = row.querySelector(S.AVATAR)?.getAttribute('alt')?.trim();
    if (own === undefined) own = run ? run.own : false;
    if (!own) sender ??= (run && !run.own ? run.sender : undefined) ?? avatar ?? '';
    run = { own, sender: own ? 'You' : sender ?? '' };
    out.push({ row, text, own, sender: run.sender, id: bubble.id });
  }
  return out;
}

function sendCandidates(where: Element): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (const b of where.querySelectorAll<HTMLElement>(S.BUTTON)) {
    // Message bubbles are role=button too; never take one for the send control.
    if (b.closest(S.CELL) || b.querySelector(S.BUBBLE)) continue;
    if (label(b) === S.SEND_TEXT || b.querySelector(S.SEND_ICON)) found.push(b);
  }
  return found;
}

function composeBox(doc: Document): HTMLElement | null {
  return lexicalBox([doc.querySelector(S.THREAD_CONTAINER), doc.querySelector(S.MAIN)]);
}

function sendButton(doc: Document): HTMLElement | null {
  const box = composeBox(doc);
  const where = scope(doc);
  return box && where ? nearest(box, where, sendCandidates) : null;
}

export const instagram: SiteAdapter = {
  id: 'instagram',
  name: 'Instagram',
  matches,
  conversation(doc, url): Conversation | null {
    if (!matches(url)) return null;
    const raw = S.THREAD.exec(url.pathname)?.[1];
    if (!raw) return null;
    const id = decodeURIComponent(raw);
    return { id, title: title(doc) || id };
  },
  composeBox,
  sendButton,
  messageList(doc) {
    const where = scope(doc);
    if (!where) return null;
    const grids = [...where.querySelectorAll<HTMLElement>(S.GRID)];
    return grids.find((g) => g.querySelector(S.BUBBLE)) ?? grids[0]
      ?? where.querySelector<HTMLElement>(S.LIST_PAGELET)
      ?? (where.matches(S.THREAD_CONTAINER) ? where : null);
  },
  messages,
  messageText(msg) {
    return msg.text.textContent ?? '';
  },
  expand() {
    return false;
  },
  // Instagram refuses messages over 1,000 characters.
  maxMessageLength: 1000,
};
