import type { Conversation, MessageView, SiteAdapter } from '../types';
import { LEXICAL_BOX, inlineFlexEnd, label, lastOutside, nearest, only, stripUnread, within } from '../dom';
import * as S from './selectors';

function threadId(url: URL): string | null {
  const re = url.hostname === 'www.messenger.com' ? S.MESSENGER_THREAD : S.FACEBOOK_THREAD;
  const id = re.exec(url.pathname)?.[1];
  return id ? decodeURIComponent(id) : null;
}

function title(doc: Document): string {
  const main = doc.querySelector(S.MAIN);
  const labelled = S.MAIN_TITLE.exec(main?.getAttribute('aria-label')?.trim() ?? '')?.[1];
  if (labelled) return labelled.trim();
  const link = main?.querySelector(S.HEADER_LINK)?.getAttribute('aria-label')?.trim();
  if (link) return link;
  const heading = label(main?.querySelector(S.HEADER_HEADING));
  if (heading) return heading;
  return S.DOC_TITLE.exec(stripUnread(doc.title))?.[1] ?? '';
}

/** Who wrote a row, as far as the row itself tells; undefined fields are unknown. */
interface Signals { own?: boolean; sender?: string }

/** Reads a "…by <Sender>:" / "…, <Sender>:" name: "You" means own. */
function fromName(name: string | undefined, into: Signals): void {
  if (!name) return;
  if (name === 'You') into.own ??= true;
  else {
    into.own ??= false;
    into.sender ??= name;
  }
}

function signals(row: HTMLElement, text: HTMLElement, labelled?: string): Signals {
  const out: Signals = {};
  // The hidden heading only starts a run; later rows of the run fall back to the carried state.
  const heading = label(row.querySelector(S.HEADING));
  if (heading) fromName(S.OWN_HEADING.test(heading) ? 'You' : heading, out);
  fromName(labelled, out);
  const sent = row.querySelector(S.SENT_LABEL)?.getAttribute('aria-label');
  fromName(sent ? S.SENT_LABEL_RE.exec(sent)?.[1] : undefined, out);
  if (out.own === undefined && (inlineFlexEnd(text, row) || row.querySelector(S.DELIVERY_STATUS))) out.own = true;
  return out;
}

/** "At 3:08 AM, Han: text" → "Han". The time may hold commas ("Jan 5, 2026, 3:08 AM") but no
 * ": ", so the name is what sits between the last ", " and the first ": ". */
function roleDescriptionSender(el: HTMLElement): string | undefined {
  const aria = el.getAttribute('aria-label') ?? '';
  const colon = aria.indexOf(': ');
  if (!aria.startsWith('At ') || colon < 0) return undefined;
  const prefix = aria.slice(0, colon);
  const comma = prefix.lastIndexOf(', ');
  return comma < 0 ? undefined : prefix.slice(comma + 2).trim() || undefined;
}

function messages(root: ParentNode): MessageView[] {
  const out: MessageView[] = [];
  const taken = new Set<HTMLElement>();
  let run: { own: boolean; sender: string } | null = null;
  const push = (row: HTMLElement, text: HTMLElement, sig: Signals, idFrom: HTMLElement): void => {
    if (taken.has(text)) return;
    taken.add(text);
    let own = sig.own;
    let sender = sig.sender;
    if (own === undefined && run) own = run.own;
    own ??= false;
    if (!own) sender ??= (run && !run.own ? run.sender : undefined) ?? row.querySelector(S.AVATAR)?.getAttribute('alt') ?? '';
    run = { own, sender: own ? 'You' : sender ?? '' };
    const id = idFrom.closest(`[${S.MESSAGE_ID_ATTR}]`)?.getAttribute(S.MESSAGE_ID_ATTR)
      ?? idFrom.querySelector(`[${S.MESSAGE_ID_ATTR}]`)?.getAttribute(S.MESSAGE_ID_ATTR) ?? undefined;
    out.push({ row, text, own, sender: run.sender, ...(id ? { id } : {}) });
  };

  // Newer builds: one labelled element per message.
  for (const el of within(root, S.MESSAGE)) {
    const text = lastOutside(el, S.TEXT, S.NOT_TEXT);
    if (!text) continue;
    const row = el.closest<HTMLElement>(S.ROW) ?? el;
    push(row, text, signals(row, text, roleDescriptionSender(el)), el);
  }
  run = null;
  // Grid builds: one row per message, with a messages_table cell.
  for (const cell of within(root, S.CELL)) {
    if (cell.closest(S.MESSAGE) || cell.querySelector(S.MESSAGE)) continue;
    const bubble = cell.querySelector<HTMLElement>(S.SENT_LABEL) ?? cell;
    const text = lastOutside(bubble, S.TEXT, S.NOT_TEXT);
    if (!text) continue; // photos, stickers, calls: nothing to read
    const row = cell.closest<HTMLElement>(S.ROW) ?? cell;
    push(row, text, signals(row, text), cell);
  }
  return out;
}

function composeBox(doc: Document): HTMLElement | null {
  return only(doc, `${S.MAIN} ${LEXICAL_BOX}`);
}

function matches(url: URL): boolean {
  if (url.protocol !== 'https:') return false;
  if (url.hostname === 'www.messenger.com') return true;
  return url.hostname === 'www.facebook.com' && /^\/messages(\/|$)/.test(url.pathname);
}

export const messenger: SiteAdapter = {
  id: 'messenger',
  name: 'Messenger',
  matches,
  conversation(doc, url): Conversation | null {
    if (!matches(url)) return null;
    const id = threadId(url);
    if (!id) return null;
    return { id, title: title(doc) || id };
  },
  composeBox,
  sendButton(doc) {
    const box = composeBox(doc);
    const main = box?.closest(S.MAIN);
    return box && main ? nearest(box, main, (el) => el.querySelectorAll<HTMLElement>(S.SEND_BUTTON)) : null;
  },
  messageList(doc) {
    const main = doc.querySelector<HTMLElement>(S.MAIN);
    if (!main) return null;
    const grids = [...main.querySelectorAll<HTMLElement>(S.GRID)];
    return main.querySelector<HTMLElement>(S.GRID_LABELLED)
      ?? grids.find((g) => g.querySelector(S.CELL))
      ?? (main.querySelector(S.MESSAGE) ? main : grids[0] ?? null);
  },
  messages,
  messageText(msg) {
    return msg.text.textContent ?? '';
  },
  expand() {
    return false;
  },
  // Messenger takes about 20,000 characters; stay clear of the edge.
  maxMessageLength: 18000,
};
