/**
 * Keeps what the reader looks at in place while Mantle changes the height of rows: a bubble's
 * ciphertext (often 200–300 px) gives way to a slot at its plaintext's height, and a slot takes
 * its message's measured size. Rows above the viewport change too, as the sites mount a screen of
 * rows ahead of the view; each such change moved everything in view, so scrolling up through a
 * chat kept throwing the reader back down (the site's list anchors only its own changes).
 * The browser's scroll anchoring does this where the scroller allows it (`overflow-anchor: auto`);
 * a site that anchors its list itself turns it off, and then Mantle anchors its own changes, the
 * same way: the first row in view stays where it was on screen.
 */

/** Call before changing heights; the returned function, after, puts the first row in view back. */
export function holdView(scroller: HTMLElement | null, rows: readonly HTMLElement[]): () => void {
  if (!scroller || getComputedStyle(scroller).overflowAnchor !== 'none') return () => {};
  const viewTop = scroller.getBoundingClientRect().top;
  for (const row of rows) {
    const box = row.getBoundingClientRect();
    if (!box.height || box.bottom <= viewTop) continue;
    return () => {
      const now = row.getBoundingClientRect();
      const moved = now.top - box.top;
      // A row the site removed or Mantle collapsed meanwhile says nothing about the view.
      if (row.isConnected && now.height && Math.abs(moved) >= 1) scroller.scrollTop += moved;
    };
  }
  return () => {};
}
