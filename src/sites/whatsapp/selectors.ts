/** WhatsApp Web anchors (web.whatsapp.com). Class names are obfuscated, except the few that
 * WhatsApp's own copy/paste code depends on (selectable-text, copyable-text); data-testid,
 * data-id, data-icon and aria-* carry the rest. */

/** The open chat pane; absent while no chat is open. */
export const MAIN = '#main';

/** Chat name: the span's title attribute holds the untruncated name. The testid is missing in
 * some builds, hence the second, looser anchor (the first titled span in the header). */
export const TITLE = '#main header [data-testid="conversation-info-header-chat-title"] span[title]';
export const TITLE_LOOSE = '#main header span[dir="auto"][title]';

/** The compose area: the Lexical box is looked up only inside it (the chat-list search box is a
 * Lexical editor too, outside #main). */
export const FOOTER = '#main footer';

/** Send: labelled button, or the button around the send icon (icon names vary by build). */
export const SEND = 'button[aria-label="Send"], [role="button"][aria-label="Send"]';
export const SEND_ICON = '[data-icon="send"], [data-icon="wds-ic-send-filled"]';

/** The scrolling message panel; older builds lack the testid but keep role=application. */
export const LIST = '#main [data-testid="conversation-panel-messages"]';
export const LIST_FALLBACK = '#main [role="application"]';

/** Row virtualised per message, and the element carrying the message id:
 * "true_<chat jid>_<id>" (own), "false_…" (others), or an opaque id in some builds. */
export const ROW = '[role="row"]';
export const MESSAGE = '[data-id]';
export const DATA_ID_DIRECTION = /^(true|false)_/;

/** Direction fallbacks for opaque ids: the bubble tail (first bubble of a run only), the hidden
 * "You:" label, delivery ticks (own messages only), and the pre-2024 classes. */
export const TAIL_OUT = '[data-icon="tail-out"]';
export const TAIL_IN = '[data-icon="tail-in"]';
export const SPEAKER_LABEL = 'span[aria-label$=":"]';
export const OWN_SPEAKER = 'You:';
export const DELIVERY_TICKS = '[data-icon="msg-check"], [data-icon="msg-dblcheck"], [data-icon="msg-time"]';
export const LEGACY_OUT = '.message-out';
export const LEGACY_IN = '.message-in';

/** "[10:54, 12/9/2025] Alice: " — sender and time, on the copyable-text container. */
export const PRE_PLAIN = '[data-pre-plain-text]';
export const PRE_PLAIN_RE = /^\[([^\]]*)\]\s*([\s\S]*?):\s*$/;

/** Message text. Quoted replies hold a selectable-text too, inside a clickable quote. */
export const TEXT = 'span.selectable-text';
export const NOT_TEXT = '[role="button"], [data-testid="quoted-message"]';

/** "Read more" after cut text: a class in current builds, a role=button reading so in others. */
export const READ_MORE = '.read-more-button';
export const READ_MORE_TEXT = 'Read more';
