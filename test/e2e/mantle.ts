/**
 * Steps of Mantle's user stories on top of the harness: keys for every user (made through the
 * onboarding page), turning encryption on for a chat in the secure frame, typing there, and
 * reading the decrypted messages in the chat's thread frame.
 */
import { ask, msg, onboard, openOptions, resetProfile, state, UI_PASS } from './keys/options';
import { MESSAGE_LIST, poll, relay, requests, type Scope, type StoredMessage, type User } from './harness';

export const COMPOSE_FRAME = 'iframe[data-mantle="compose"]';
/** The one frame per open chat, inside the list's scroller, that draws every decrypted message. */
export const THREAD_FRAME = 'iframe[data-mantle="thread"]';
export const PASS = UI_PASS;
const NAMES: Record<string, string> = { alice: 'Alice Smith', bob: 'Bob Jones', carol: 'Carol White' };
export const email = (u: User) => `${u.name}@example.org`;

interface Ready { users: string[]; fprs: Map<string, string> }
const KEY = Symbol.for('mantle.e2e.keys');
const g = globalThis as unknown as { [KEY]?: Ready };

/** Every user has one own key and every other user's key, verified. Redone if a file reset a profile. */
export async function withKeys(users: User[]): Promise<Map<string, string>> {
  const ready = g[KEY];
  if (ready && users.every((u) => ready.users.includes(u.name)) && (await intact(users, ready.fprs))) return ready.fprs;
  const fprs = new Map<string, string>();
  const armored = new Map<string, string>();
  for (const u of users) {
    await resetProfile(u);
    const tab = await openOptions(u);
    fprs.set(u.name, await onboard(tab, NAMES[u.name]!, PASS, email(u)));
    armored.set(u.name, (await ask<{ armored: string }>(tab, 'keys.exportPublic', { fingerprint: fprs.get(u.name) })).armored);
    await tab.close();
  }
  for (const u of users) {
    const tab = await openOptions(u);
    for (const other of users) {
      if (other === u) continue;
      await ask(tab, 'keys.importPublic', { input: { text: armored.get(other.name) } });
      await ask(tab, 'keys.setVerified', { fingerprint: fprs.get(other.name), verified: true });
    }
    await tab.close();
  }
  g[KEY] = { users: users.map((u) => u.name), fprs };
  return fprs;
}

async function intact(users: User[], fprs: Map<string, string>): Promise<boolean> {
  for (const u of users) {
    const tab = await openOptions(u);
    const keys = (await state(tab)).keys.map((k) => k.fingerprint);
    await tab.close();
    if (![...fprs.values()].every((f) => keys.includes(f))) return false;
  }
  return true;
}

/** The secure composer of the user's open chat (the document inside Mantle's compose frame). */
export function composer(u: User): Promise<Scope> {
  return u.tab.frame(COMPOSE_FRAME);
}

/** The wire id of a Mantle message or key share (the 8 hex digits in `MNTL1 M <id> 001/002 …`). */
export function wireIdOf(m: { text: string } | string): string {
  const text = typeof m === 'string' ? m : m.text;
  const id = /^MNTL1 [MK] ([0-9a-f]{8}) /.exec(text)?.[1];
  if (!id) throw new Error(`not Mantle wire text: ${text.slice(0, 40)}`);
  return id;
}

/** The box the content script reserves in the page, after the hidden ciphertext, for message `id`. */
export const slotOf = (id: string) => `div[data-mantle="slot"][data-mantle-id="${id}"]`;
/** Message `id` as the thread frame draws it (inside the thread frame's document). */
export const articleOf = (id: string) => `[role="article"][data-mantle-id="${id}"]`;

/** The document inside the user's thread frame (it may have no height yet: no slot on the page). */
export function threadFrame(u: User, timeout = 15_000): Promise<Scope> {
  return u.tab.frame(THREAD_FRAME, { visible: false, timeout });
}

/** Where message `id` is shown: the thread frame's document, and the selector of its article there. */
export async function messageIn(u: User, id: string, opts: { timeout?: number } = {}): Promise<{ frame: Scope; sel: string }> {
  return { frame: await threadFrame(u, opts.timeout), sel: articleOf(id) };
}

/** What message `id`'s article shows (its innerText), or '' when there is no such article (or no thread frame). */
export async function shownFor(u: User, id: string): Promise<string> {
  const frame = await threadFrame(u, 5_000).catch(() => null);
  if (!frame) return '';
  return frame.evaluate((sel) => document.querySelector<HTMLElement>(sel)?.innerText ?? '', articleOf(id)).catch(() => '');
}

/** Turns encryption on for the open chat, choosing these contacts, from the lock badge. */
export async function encryptChat(u: User, contacts: string[]): Promise<Scope> {
  let frame = await composer(u);
  await frame.waitFor('button.badge, textarea');
  if (await frame.evaluate(() => !!document.querySelector('textarea'))) return emptied(frame);
  await frame.click('button.badge');
  await frame.waitFor('.panel');
  for (const name of contacts) {
    await frame.evaluate((n) => {
      const label = [...document.querySelectorAll<HTMLLabelElement>('label.contact')].find((l) => l.innerText.includes(n));
      const box = label?.querySelector('input');
      if (!box) throw new Error(`no contact ${n} in the setup panel`);
      if (!box.checked) box.click();
    }, name);
  }
  await frame.evaluate((label) => {
    [...document.querySelectorAll<HTMLButtonElement>('.panel button')].find((b) => b.innerText.trim() === label)!.click();
  }, msg('composeStart'));
  frame = await composer(u);
  await frame.waitFor('textarea');
  return emptied(frame);
}

/** Drafts persist by design: a scenario that failed mid-way may have left one in this chat. */
async function emptied(frame: Scope): Promise<Scope> {
  await frame.evaluate(() => {
    const area = document.querySelector('textarea')!;
    if (!area.value) return;
    area.value = '';
    area.dispatchEvent(new InputEvent('input', { bubbles: true }));
  });
  return frame;
}

/** Types into the secure composer with real keys and presses Enter; resolves with the relay's record of all parts. */
export async function sendSecure(u: User, text: string, how: 'type' | 'paste' = 'type'): Promise<StoredMessage[]> {
  const { site, thread } = u.current;
  const mine = () => relay().stored({ site, thread }).filter((m) => m.from === u.name);
  const before = mine().length;
  sendMark = relay().stored().length;
  const asked = requests().length;
  const frame = await composer(u);
  if (how === 'type') {
    // Enter sends; a new line is Shift+Enter, as on the sites.
    const lines = text.split('\n');
    await frame.click('textarea');
    for (const [i, line] of lines.entries()) {
      if (i > 0) await frame.press('Shift+Enter');
      await frame.type(line);
    }
  }
  else await paste(frame, text);
  await frame.press('Enter');
  const first = await poll(`${u.name}'s ciphertext to reach the relay`, 20_000, () => mine()[before]).catch(async (e: Error) => {
    const seen = await frame.evaluate(() => `draft ${JSON.stringify(document.querySelector('textarea')?.value)}; shows ${JSON.stringify(document.body.innerText)}`).catch(() => '');
    const last = relay().stored().slice(-3).map((m) => `${m.site}/${m.thread}/${m.from}: ${m.text.slice(0, 30)}`);
    // Whether the page posted at all tells a send Mantle never made from a post the relay refused.
    const posts = requests().slice(asked).filter((r) => r.method === 'POST').map((r) => `${r.host}${r.path}`);
    throw new Error(`${e.message}; the composer: ${seen}; relay ends with ${JSON.stringify(last)} (waiting on ${site}/${thread}); posts since typing: ${JSON.stringify(posts)}`);
  });
  const total = Number(/^MNTL1 [MK] [0-9a-f]{8} \d{3}\/(\d{3}) /.exec(first.text)?.[1] ?? 1);
  await poll(`all ${total} parts`, 20_000, () => mine().length >= before + total || undefined);
  // The draft is cleared only once everything was sent.
  await poll('the secure composer to clear', 10_000, () => frame.evaluate(() => document.querySelector('textarea')!.value === '') );
  // Mantle's own send must not look like a page taking the keyboard (it did in Chromium, once
  // per page, when the content script refocused a frame that still had the focus).
  const warning = await frame.evaluate(() => document.querySelector('[data-mantle-focus-lost]')?.textContent ?? '');
  if (warning) throw new Error(`${u.name}'s composer warns after the send: ${warning}`);
  return mine().slice(before);
}

/** Waits until the message with this wire id shows `text` in its article; returns the article's text. */
export async function seesDecrypted(u: User, wire: StoredMessage, text: string, timeout = 20_000): Promise<string> {
  const id = wireIdOf(wire);
  let last = '';
  return poll(`${u.name} to see ${JSON.stringify(text)} decrypted`, timeout, async () => {
    const frame = await threadFrame(u, 5_000).catch((e: Error) => ((last = `no thread frame: ${e.message}`), null));
    if (!frame) return undefined;
    const shown = await frame
      .evaluate((sel) => document.querySelector<HTMLElement>(sel)?.innerText ?? null, articleOf(id))
      .catch((e: Error) => ((last = e.message), undefined));
    if (shown === undefined) return undefined;
    if (shown === null) {
      last = `no article for ${id}`;
      return undefined;
    }
    last = shown.slice(0, 200);
    return shown.includes(text) ? shown : undefined;
  }).catch(async (e: Error) => {
    throw new Error(`${e.message}; the article showed: ${JSON.stringify(last)}; the page holds ${await partsOnPage(u, id)}; ${await articlesIn(u)}`);
  });
}

/** The thread frame's articles, in its DOM order (for error messages). */
export async function articlesIn(u: User): Promise<string> {
  const frame = await threadFrame(u, 2_000).catch(() => null);
  if (!frame) return 'no thread frame to read';
  const ids = await frame
    .evaluate(() => [...document.querySelectorAll<HTMLElement>('[role="article"]')].map((a) => `${a.dataset.mantleId}${a.dataset.token ? '' : ' (no token)'}`))
    .catch((e: Error) => [`? (${e.message})`]);
  return `the thread frame holds ${ids.length} article(s) ${JSON.stringify(ids)}`;
}

/**
 * What the page holds of a message: which parts' bubbles (and whether Mantle hid them), its slots
 * (with or without their token), whether the thread frame is there, and how far the list is
 * scrolled from its end.
 */
export async function partsOnPage(u: User, id: string): Promise<string> {
  return u.tab.evaluate(({ id, list, thread, slot }) => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = new RegExp(`MNTL1 [MK] ${id} (\\d{3})/\\d{3} `).exec(n.textContent ?? '');
      if (!m) continue;
      const el = n.parentElement!;
      parts.push(`${m[1]}${el.closest('[data-mantle-hidden]') ? ' hidden' : ''}`);
    }
    const slots = [...document.querySelectorAll<HTMLElement>(slot)].map((s) => {
      const r = s.getBoundingClientRect();
      return `${s.dataset.mantleToken ? 'with' : 'without'} token, ${Math.round(r.width)}x${Math.round(r.height)} at y ${Math.round(r.top)}`;
    });
    const frames = document.querySelectorAll<HTMLElement>(thread);
    const f = frames[0];
    const fr = f?.getBoundingClientRect();
    const frameSaid = f ? `${frames.length} thread frame(s), the first ${Math.round(fr!.height)} px high at y ${Math.round(fr!.top)}` : 'no thread frame';
    // The scroller: the nearest one around the thread frame, else the list itself, inside it or around it.
    const scrolls = (e: HTMLElement) => /auto|scroll/.test(getComputedStyle(e).overflowY);
    const root = document.querySelector<HTMLElement>(list);
    let el: HTMLElement | null = f?.parentElement ?? null;
    while (el && !scrolls(el)) el = el.parentElement;
    if (!el && root) el = scrolls(root) ? root : [...root.querySelectorAll<HTMLElement>('*')].find(scrolls) ?? null;
    for (let up = root; !el && up; up = up.parentElement) if (scrolls(up)) el = up;
    const reverse = el ? getComputedStyle(el).flexDirection === 'column-reverse' : false;
    const fromEnd = el ? Math.round(reverse ? -el.scrollTop : el.scrollHeight - el.clientHeight - el.scrollTop) : NaN;
    return `parts [${parts.join(', ')}], ${slots.length} slot(s) ${JSON.stringify(slots)}, ${frameSaid}, the list ${fromEnd} px from its end`;
  }, { id, list: MESSAGE_LIST[u.current.site], thread: THREAD_FRAME, slot: slotOf(id) }).catch((e: Error) => `? (${e.message})`);
}

/** Where the relay's record stood when the current send began (other files post plaintext on purpose). */
let sendMark = 0;
export function markSend(): void {
  sendMark = relay().stored().length;
}

/**
 * Neither the plaintext nor any 8-character piece of it is anywhere in what the platform stored
 * since the last secure send began (earlier scenarios, e.g. the smoke test, post plain text).
 */
export function expectNoLeak(plaintext: string): void {
  const stored = relay().stored().slice(sendMark).map((m) => m.text).join('\n');
  const chars = [...plaintext];
  for (let i = 0; i + 8 <= chars.length; i++) {
    const piece = chars.slice(i, i + 8).join('');
    if (stored.includes(piece)) throw new Error(`the relay stored plaintext: ${JSON.stringify(piece)}`);
  }
}

/** The signature state shown under a decrypted message (verified, unverified, bad, …). */
export async function signatureOf(u: User, wire: StoredMessage): Promise<string | null> {
  const { frame, sel } = await messageIn(u, wireIdOf(wire));
  return frame.evaluate((s) => document.querySelector(s)?.querySelector('[data-signature]')?.getAttribute('data-signature') ?? null, sel);
}

/** The last error the secure composer shows, once it shows one. */
export async function composerError(u: User): Promise<string> {
  const frame = await composer(u);
  await frame.waitFor('[role="alert"]');
  return frame.text('[role="alert"]');
}

/** The text still in the secure composer (the draft). */
export async function draft(u: User): Promise<string> {
  return (await composer(u)).evaluate(() => document.querySelector('textarea')?.value ?? '');
}

/** Other files share these profiles and type into the site's own box: unbind every chat. */
export async function unbindAll(users: User[]): Promise<void> {
  for (const u of users) {
    const tab = await openOptions(u);
    await tab.evaluate(async () => {
      type Ext = { storage: { local: { remove(k: string): Promise<void> } } };
      const g = globalThis as unknown as { browser?: Ext; chrome?: Ext };
      await (g.browser ?? g.chrome)!.storage.local.remove('bindings');
    });
    await tab.close();
  }
}

/** Puts text into the secure composer as a paste would: one input event (typing thousands of characters key by key takes minutes). */
export async function paste(frame: Scope, text: string): Promise<void> {
  await frame.click('textarea');
  await frame.evaluate((t) => {
    const area = document.querySelector('textarea')!;
    area.value = t;
    area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
  }, text);
}
