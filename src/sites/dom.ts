/** DOM helpers shared by the site adapters. Everything here is attribute/text based: `messages()`
 * runs on every mutation batch, so no layout reads. */

/** All three sites compose in a Lexical plain-text editor; these three attributes together are
 * stable across builds (aria-labels and class names are not). */
export const LEXICAL_BOX = 'div[contenteditable="true"][role="textbox"][data-lexical-editor="true"]';

/** The single element matching `selector` under `scope`, or null when there is none or more than
 * one: an ambiguous match is treated as "not recognised" rather than guessed. */
export function only(scope: ParentNode | null | undefined, selector: string): HTMLElement | null {
  if (!scope) return null;
  const found = scope.querySelectorAll<HTMLElement>(selector);
  return found.length === 1 ? found[0]! : null;
}

/** The Lexical compose box under one of `scopes` (first scope that has exactly one wins). */
export function lexicalBox(scopes: (ParentNode | null | undefined)[]): HTMLElement | null {
  for (const scope of scopes) {
    const box = only(scope, LEXICAL_BOX);
    if (box) return box;
  }
  return null;
}

/** Whitespace-normalised text, for labels and headings (never for message text). */
export function label(el: Element | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** True when an element from `el` up to (and including) `stop` right-aligns its content through
 * an inline `justify-content: flex-end` (how Meta's sites lay out outgoing rows). Reads the style
 * attribute only: cheap, and no layout flush. */
export function inlineFlexEnd(el: Element, stop: Element | null): boolean {
  for (let cur: Element | null = el; cur; cur = cur.parentElement) {
    const style = cur.getAttribute('style');
    if (style && /justify-content\s*:\s*flex-end/i.test(style)) return true;
    if (cur === stop) break;
  }
  return false;
}

/** Elements matching `selector` under `root`, including `root` itself when it matches. */
export function within<E extends Element = HTMLElement>(root: ParentNode, selector: string): E[] {
  const all = [...root.querySelectorAll<E>(selector)];
  if (root instanceof Element && root.matches(selector)) all.unshift(root as unknown as E);
  return all;
}

/** The last element matching `selector` under `scope` that is not inside any `exclude` match
 * (bounded by `scope`). Meta puts quoted replies before the reply's own text, hence "last". */
export function lastOutside(scope: Element, selector: string, exclude: string): HTMLElement | null {
  const found = scope.querySelectorAll<HTMLElement>(selector);
  for (let i = found.length - 1; i >= 0; i--) {
    const el = found[i]!;
    const blocker = el.parentElement?.closest(exclude);
    if (!blocker || !scope.contains(blocker) || blocker === scope) return el;
  }
  return null;
}

/** Drops an unread-count prefix such as "(3) " that the sites put in document.title. */
export function stripUnread(title: string): string {
  return title.replace(/^\(\d+\+?\)\s*/, '').trim();
}

/** The control nearest to `box`: searches ever wider ancestors of the box (up to `stop`) and
 * returns the first unambiguous hit, so a matching element elsewhere on the page (a message that
 * reads "Send") is never taken for the site's send button. */
export function nearest(box: HTMLElement, stop: Element, candidates: (scope: Element) => Iterable<HTMLElement>): HTMLElement | null {
  for (let cur = box.parentElement; cur; cur = cur.parentElement) {
    const found = new Set([...candidates(cur)].filter((el) => el !== box && !box.contains(el)));
    if (found.size > 0) return found.size === 1 ? [...found][0]! : null;
    if (cur === stop) break;
  }
  return null;
}
