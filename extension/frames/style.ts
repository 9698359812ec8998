/**
 * The secure frames' stylesheet, adopted from their script instead of linked: a screen of bubbles
 * loads a message frame document per bubble on the extension renderer's one main thread, and a
 * linked stylesheet is one more request for each (docs/performance.md, twelfth round). Constructed
 * sheets are CSSOM, which the extension pages' CSP (no inline styles) does not restrict.
 */
import css from './frame.css?inline';

const sheet = new CSSStyleSheet();
sheet.replaceSync(css);
document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
