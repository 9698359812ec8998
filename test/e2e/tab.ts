/**
 * One small API over a Playwright page (Chromium) and a Puppeteer page (Firefox over BiDi), so
 * scenarios never care which browser runs them. A Scope is a document (page or frame); a Tab is
 * the top-level one. Keyboard input is always real key events sent to the focused element.
 */
import type { Frame as PwFrame, Page as PwPage } from 'playwright-core';
import type { Frame as PpFrame, Page as PpPage } from 'puppeteer-core';

export interface WaitOptions {
  timeout?: number;
  /** Default true: the element must be rendered with a non-empty box. */
  visible?: boolean;
}

export interface Scope {
  /** The document's current location (asked of the document: Puppeteer's record can lag). */
  url(): Promise<string>;
  waitFor(selector: string, opts?: WaitOptions): Promise<void>;
  click(selector: string): Promise<void>;
  /** Types with real key events; with a selector, clicks it first to focus it. */
  type(text: string, selector?: string): Promise<void>;
  /** A key name as both libraries spell it: "Enter", "Shift+Enter", "Backspace"… */
  press(key: string): Promise<void>;
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R>;
  /** innerText of the first match (waits for it to exist). */
  text(selector: string): Promise<string>;
  /** The document inside the iframe matched by `selector` (cross-origin frames included). */
  frame(selector: string, opts?: WaitOptions): Promise<Scope>;
}

export interface Tab extends Scope {
  /** Resolves once the load event fired, unless `wait: false` (extension pages in Firefox). */
  goto(url: string, opts?: { wait?: boolean }): Promise<void>;
  bringToFront(): Promise<void>;
  /**
   * A real mouse wheel turn at (x, y) in the tab's viewport (CSS pixels): the pointer moves there
   * first, and the browser routes the wheel to whatever is hit there, frames included.
   */
  wheel(x: number, y: number, deltaY: number): Promise<void>;
  screenshot(path: string): Promise<void>;
  close(): Promise<void>;
}

const DEFAULT_TIMEOUT = 15_000;

function innerText(el: Element): string {
  return (el as HTMLElement).innerText ?? el.textContent ?? '';
}

// ---- Playwright ----

class PwScope implements Scope {
  constructor(protected readonly doc: PwPage | PwFrame, protected readonly page: PwPage) {}
  async url(): Promise<string> { return this.doc.url(); }
  async waitFor(selector: string, opts: WaitOptions = {}): Promise<void> {
    await this.doc.locator(selector).first().waitFor({
      state: opts.visible === false ? 'attached' : 'visible',
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
    });
  }
  async click(selector: string): Promise<void> {
    await this.doc.locator(selector).first().click({ timeout: DEFAULT_TIMEOUT });
  }
  async type(text: string, selector?: string): Promise<void> {
    if (selector) await this.click(selector);
    await this.page.keyboard.type(text);
  }
  async press(key: string): Promise<void> { await this.page.keyboard.press(key); }
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    // Both libraries type evaluate() with their own serialisable-argument generics; ours is plainer.
    return (this.doc.evaluate as (f: unknown, a: unknown) => Promise<R>).call(this.doc, fn, arg);
  }
  async text(selector: string): Promise<string> {
    await this.waitFor(selector, { visible: false });
    return this.doc.locator(selector).first().evaluate(innerText);
  }
  async frame(selector: string, opts: WaitOptions = {}): Promise<Scope> {
    await this.waitFor(selector, opts);
    const handle = await this.doc.locator(selector).first().elementHandle();
    const deadline = Date.now() + (opts.timeout ?? DEFAULT_TIMEOUT);
    // The element exists before its browsing context commits its document: wait for that.
    for (;;) {
      const f = await handle?.contentFrame();
      if (f && f.url() !== 'about:blank' && f.url() !== '') {
        await f.waitForLoadState('domcontentloaded');
        return new PwScope(f, this.page);
      }
      if (Date.now() > deadline) throw new Error(`no loaded frame in ${selector}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export class PwTab extends PwScope implements Tab {
  constructor(page: PwPage) { super(page, page); }
  async goto(url: string, opts: { wait?: boolean } = {}): Promise<void> {
    await this.page.goto(url, { waitUntil: opts.wait === false ? 'commit' : 'load' });
  }
  async bringToFront(): Promise<void> { await this.page.bringToFront(); }
  async wheel(x: number, y: number, deltaY: number): Promise<void> {
    await this.page.mouse.move(x, y);
    await this.page.mouse.wheel(0, deltaY);
  }
  async screenshot(path: string): Promise<void> { await this.page.screenshot({ path }); }
  async close(): Promise<void> { await this.page.close(); }
}

// ---- Puppeteer ----

class PpScope implements Scope {
  constructor(protected readonly doc: PpPage | PpFrame, protected readonly page: PpPage) {}
  url(): Promise<string> { return this.doc.evaluate(() => location.href); }
  async waitFor(selector: string, opts: WaitOptions = {}): Promise<void> {
    await this.doc.waitForSelector(selector, {
      visible: opts.visible !== false,
      timeout: opts.timeout ?? DEFAULT_TIMEOUT,
    });
  }
  async click(selector: string): Promise<void> {
    await this.waitFor(selector);
    await this.doc.click(selector);
  }
  async type(text: string, selector?: string): Promise<void> {
    if (selector) await this.click(selector);
    await this.page.keyboard.type(text);
  }
  async press(key: string): Promise<void> {
    // Puppeteer has no "Shift+Enter" syntax: hold the modifiers around the key.
    const parts = key.split('+');
    const main = parts.pop()!;
    for (const m of parts) await this.page.keyboard.down(m as never);
    await this.page.keyboard.press(main as never);
    for (const m of parts.reverse()) await this.page.keyboard.up(m as never);
  }
  evaluate<R, A = undefined>(fn: (arg: A) => R | Promise<R>, arg?: A): Promise<R> {
    // Both libraries type evaluate() with their own serialisable-argument generics; ours is plainer.
    return (this.doc.evaluate as (f: unknown, a: unknown) => Promise<R>).call(this.doc, fn, arg);
  }
  async text(selector: string): Promise<string> {
    await this.waitFor(selector, { visible: false });
    return this.doc.$eval(selector, innerText);
  }
  async frame(selector: string, opts: WaitOptions = {}): Promise<Scope> {
    await this.waitFor(selector, opts);
    const deadline = Date.now() + (opts.timeout ?? DEFAULT_TIMEOUT);
    for (;;) {
      const handle = await this.doc.$(selector);
      const f = await handle?.contentFrame();
      // Frame.url() stays "about:blank" for moz-extension:// frames: ask the document itself.
      const ready = await f
        ?.evaluate(() => location.href !== 'about:blank' && document.readyState !== 'loading')
        .catch(() => false);
      if (f && ready) return new PpScope(f, this.page);
      if (Date.now() > deadline) throw new Error(`no loaded frame in ${selector}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export class PpTab extends PpScope implements Tab {
  constructor(page: PpPage) { super(page, page); }
  async goto(url: string, opts: { wait?: boolean } = {}): Promise<void> {
    if (opts.wait === false) {
      // Puppeteer never sees some navigations finish (moz-extension:// pages): don't wait on it.
      this.page.goto(url).catch(() => {});
      return;
    }
    await this.page.goto(url, { waitUntil: 'load' }).catch(async (e: Error) => {
      // Firefox aborts a navigation that another one overtakes (one the page started itself, or
      // the tab's last page still settling): once more. Seen as either of these two errors.
      if (!/NS_BINDING_ABORTED|interrupted an unfinished navigation/.test(e.message)) throw e;
      await this.page.goto(url, { waitUntil: 'load' });
    });
  }
  async bringToFront(): Promise<void> { await this.page.bringToFront(); }
  async wheel(x: number, y: number, deltaY: number): Promise<void> {
    await this.page.mouse.move(x, y);
    await this.page.mouse.wheel({ deltaY });
  }
  async screenshot(path: string): Promise<void> { await this.page.screenshot({ path }); }
  async close(): Promise<void> { await this.page.close(); }
}
