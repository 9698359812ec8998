/** Everything Mantle knows about one messaging site. Per-site knowledge stays data-like and
 * lives in `src/sites/<site>/`; the content script only ever talks to this interface. */
export type SiteId = 'messenger' | 'instagram' | 'whatsapp';

export interface Conversation {
  /** Stable id: from the URL where the site has one, else derived from the chat header. */
  id: string;
  title: string;
}

export interface MessageView {
  /** The row element the site virtualizes (re-used or removed as the user scrolls). */
  row: HTMLElement;
  /** The element whose textContent is the message text (linkified parts included). */
  text: HTMLElement;
  own: boolean;
  /** Display name of the sender as the site shows it ("You" for own when unknown). */
  sender: string;
  /** The site's own message id where it has one. */
  id?: string;
}

export interface SiteAdapter {
  id: SiteId;
  /** Human name, for the popup ("Messenger"). */
  name: string;
  /** True when this adapter handles pages at this URL (any page of the site). */
  matches(url: URL): boolean;
  /** The open conversation, or null when no chat is open. */
  conversation(doc: Document, url: URL): Conversation | null;
  /** The site's Lexical compose box of the open chat. */
  composeBox(doc: Document): HTMLElement | null;
  /** The site's send button when it shows one (may be absent until the box has text). */
  sendButton(doc: Document): HTMLElement | null;
  /** The scrolling container of the open chat's messages (observe this). */
  messageList(doc: Document): HTMLElement | null;
  /** All message bubbles currently in the DOM under root. */
  messages(root: ParentNode): MessageView[];
  /** Full text of a message, with a site's truncation ("Read more") undone where possible.
   * Returns null when the text is still truncated (caller retries after expanding). */
  messageText(msg: MessageView): string | null;
  /** Asks the site to reveal truncated text (clicks "Read more"); false when nothing to do. */
  expand(msg: MessageView): boolean;
  /** Longest text the site accepts and shows in one message without cutting it. */
  maxMessageLength: number;
}
