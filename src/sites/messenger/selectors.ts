/** Messenger anchors (www.facebook.com/messages and www.messenger.com). Meta's class names are
 * generated per build, so every anchor is a role, an aria-* or a data-* attribute. */

/** The open chat. The chat list lives in [role=navigation], so scoping to main keeps it out. */
export const MAIN = '[role="main"]';

/** Accessible name of main: "Conversation titled <Name>" (English UI). */
export const MAIN_TITLE = /^Conversation titled\s+(.+)$/;

/** Header link to the profile/group, whose aria-label is the chat name; h2 is the visible name. */
export const HEADER_LINK = 'a[aria-label]';
export const HEADER_HEADING = 'h2';

/** "Name | Messenger" in document.title, last resort for the title. */
export const DOC_TITLE = /^(.+?)\s+\|\s+Messenger$/;

/** Conversation URLs: /t/<id>/ and /e2ee/t/<id>/, under /messages on facebook.com. The id alone is
 * kept so both hosts (Meta redirects messenger.com to facebook.com) bind the same chat. */
export const FACEBOOK_THREAD = /^\/messages\/(?:e2ee\/)?t\/([^/?#]+)/;
export const MESSENGER_THREAD = /^\/(?:e2ee\/)?t\/([^/?#]+)/;

/** The send control once the box has text. "Send a Like" (empty box) must never match: clicking
 * it would post a thumbs-up. */
export const SEND_BUTTON = '[role="button"][aria-label="Press enter to send"], [role="button"][aria-label="Send"]';

/** The virtualised message list, labelled "Messages in conversation titled …". */
export const GRID = '[role="grid"]';
export const GRID_LABELLED = '[role="grid"][aria-label^="Messages"]';

/** Structure 1: one grid row per message, the message cell tagged data-scope=messages_table. */
export const ROW = '[role="row"]';
export const CELL = '[data-scope="messages_table"]';

/** Structure 2 (newer builds): one element per message, labelled "At 3:08 AM, Han: …". */
export const MESSAGE = '[aria-roledescription="message"]';

/** The bubble of structure 1 may carry "Enter, Message sent <time> by <Sender>: <text>". */
export const SENT_LABEL = '[aria-label^="Enter, Message sent"]';
export const SENT_LABEL_RE = /^Enter, Message sent .*? by (.+?): /s;

/** Visually hidden run heading: "You sent" for own runs, the sender's name otherwise. */
export const HEADING = 'h5, h4';
export const OWN_HEADING = /^You (sent|replied|unsent|forwarded)\b/;

/** Message text: Meta renders text runs as div[dir=auto]. Headings carry dir=auto too, hence div. */
export const TEXT = 'div[dir="auto"]';
/** Text is never taken from the hidden headings (they carry dir=auto too). */
export const NOT_TEXT = 'h1, h2, h3, h4, h5, h6';

/** Only outgoing messages get a delivery status ("Sent", "Seen"). */
export const DELIVERY_STATUS = '[data-testid="messenger_delivery_status"]';

/** Incoming rows show the sender's avatar; its alt is the sender's name. Own rows may hold "seen"
 * avatars of others, so this is used for the name only, never for direction. */
export const AVATAR = 'img[alt]';

/** Some builds expose the message id on the row. */
export const MESSAGE_ID_ATTR = 'data-message-id';
