/** Instagram direct anchors (www.instagram.com/direct/t/<id>/). Generated class names change per
 * build; these are roles, aria-* and ids that Meta's accessibility and message routing rely on. */

/** Thread URL; the numeric thread id is the conversation id. */
export const THREAD = /^\/direct\/t\/([^/?#]+)/;

/** The page's main region (the inbox list sits in [role=navigation]). */
export const MAIN = '[role="main"]';

/** The open thread: "Conversation with <Name>". The message grid is labelled "Messages in
 * conversation with …", which this prefix does not match. */
export const THREAD_CONTAINER = '[aria-label^="Conversation with"]';
export const THREAD_LABEL = /^Conversation with\s+(.+)$/;

/** Header name: the span's title attribute holds the full, untruncated name. */
export const TITLE = 'h2 span[title]';

/** Message list: the grid when present (removed in some 2026 builds), else the message-list
 * pagelet (data-pagelet names survive Meta's class churn). */
export const GRID = '[role="grid"]';
export const LIST_PAGELET = '[data-pagelet="IGDOpenMessageList"]';

/** One bubble per message; its id is the message id ("mid.$…"). The double-tap wrapper's id is
 * "double_tappable_id.mid.$…", which this prefix does not match. */
export const BUBBLE = 'div[id^="mid.$"]';

/** The element virtualised per message: the grid row, else the message cell. */
export const ROW = '[role="row"]';
export const CELL = '[data-scope="messages_table"]';

/** Text of a bubble. */
export const TEXT = 'span[dir="auto"] > div[dir="auto"]';

/** Visually hidden run heading: "You sent" or the sender's name. */
export const HEADING = 'h6';
export const OWN_HEADING = /^You (sent|replied|unsent|forwarded)\b/;

/** Incoming runs show the sender's avatar; the alt text is the sender's name. */
export const AVATAR = 'img[alt]';

/** The send control, shown only once the box has text: a role=button reading "Send", or one
 * wrapping an svg labelled "Send". */
export const BUTTON = '[role="button"]';
export const SEND_ICON = 'svg[aria-label="Send"]';
export const SEND_TEXT = 'Send';
