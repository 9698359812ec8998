/**
 * Keeps what the reader looks at in place while Mantle changes the height of rows: a bubble's
 * ciphertext (often 200–300 px) gives way to a slot at its plaintext's height, and a slot takes
 * its message's measured size. Rows above the viewport change too, as the sites mount a screen of
 * rows ahead of the view; each such change moved everything in view, so scrolling up through a
 * chat kept throwing the reader back down (the site's list anchors only its own changes).
 * The browser's scroll anchoring does this where the scroller allows it (`overflow-anchor: auto`);
 * a site that anchors its list itself turns it off, and then Mantle anchors its own changes, the
 * same way: the first row that starts in view stays where it was on screen. A reader at the end
 * of the chat stays at its end instead: that is where the sites follow new messages from. Holding
 * the top row there pushed a growing message's bottom out of view (Instagram's column-reverse
 * list keeps its end by itself, and the hold undid that), and the site stopped following the chat.
 */

/** Pixels from the end that still count as reading the end (scroll positions are fractional). */
const AT_END = 2;

/** Call before changing heights; the returned function, after, puts the view back. */
export function holdView(scroller: HTMLElement | null, rows: readonly HTMLElement[]): () => void {
  const style = scroller && getComputedStyle(scroller);
  if (!scroller || style!.overflowAnchor !== 'none') return () => {};
  // A column-reverse scroller's scrollTop is 0 at the end and negative above it.
  const reverse = style!.flexDirection === 'column-reverse';
  const toEnd = () => (reverse ? -scroller.scrollTop : scroller.scrollHeight - scroller.clientHeight - scroller.scrollTop);
  if (toEnd() <= AT_END) {
    return () => {
      if (toEnd() > AT_END) scroller.scrollTop = reverse ? 0 : scroller.scrollHeight;
    };
  }
  const anchor = firstInView(scroller, rows);
  if (!anchor) return () => {};
  const top = anchor.getBoundingClientRect().top;
  return () => {
    const now = anchor.getBoundingClientRect();
    const moved = now.top - top;
    // A row the site removed or Mantle collapsed meanwhile says nothing about the view.
    if (anchor.isConnected && now.height && Math.abs(moved) >= 1) scroller.scrollTop += moved;
  };
}

/**
 * The first row that starts in view: the reader's eyes are on whole rows, so a row cut by the
 * top edge that grows should grow out of view, not push them down (in a column-reverse list it
 * grows upward by itself, but then holding its own top pushed every row below it). A row taller
 * than the view is the view.
 */
function firstInView(scroller: HTMLElement, rows: readonly HTMLElement[]): HTMLElement | undefined {
  const view = scroller.getBoundingClientRect();
  let cut: HTMLElement | undefined;
  for (const row of rows) {
    const box = row.getBoundingClientRect();
    if (!box.height || box.bottom <= view.top) continue;
    if (box.top >= view.top - 0.5) return box.top < view.bottom ? row : cut ?? row;
    cut ??= row;
  }
  return cut;
}
