/**
 * Steps of Mantle's user stories on top of the harness: keys for every user (made through the
 * onboarding page), turning encryption on for a chat in the secure frame, typing there, and
 * reading the decrypted message frames.
 */
import { ask, msg, onboard, openOptions, resetProfile, state, UI_PASS } from './keys/options';
import { poll, relay, type Scope, type StoredMessage, type User } from './harness';

export const COMPOSE_FRAME = 'iframe[data-mantle="compose"]';
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
    throw new Error(`${e.message}; the composer: ${seen}; relay ends with ${JSON.stringify(last)} (waiting on ${site}/${thread})`);
  });
  const total = Number(/^MNTL1 [MK] [0-9a-f]{8} \d{3}\/(\d{3}) /.exec(first.text)?.[1] ?? 1);
  await poll(`all ${total} parts`, 20_000, () => mine().length >= before + total || undefined);
  // The draft is cleared only once everything was sent.
  await poll('the secure composer to clear', 10_000, () => frame.evaluate(() => document.querySelector('textarea')!.value === '') );
  return mine().slice(before);
}

/** Waits until the message with this wire id shows `text` in its frame; returns the frame's text. */
export async function seesDecrypted(u: User, wire: StoredMessage, text: string, timeout = 20_000): Promise<string> {
  const id = /^MNTL1 [MK] ([0-9a-f]{8}) /.exec(wire.text)?.[1];
  if (!id) throw new Error(`not Mantle wire text: ${wire.text.slice(0, 40)}`);
  const selector = `iframe[data-mantle="message"][data-mantle-id="${id}"]`;
  let last = '';
  return poll(`${u.name} to see ${JSON.stringify(text)} decrypted`, timeout, async () => {
    const frame = await u.tab.frame(selector, { timeout: 5_000 }).catch((e: Error) => ((last = String(e.message)), null));
    const shown = await frame?.evaluate(() => document.body.innerText).catch((e: Error) => ((last = String(e.message)), ''));
    if (shown !== undefined) last = shown.slice(0, 200);
    return shown?.includes(text) ? shown : undefined;
  }).catch(async (e: Error) => {
    throw new Error(`${e.message}; the frame showed: ${JSON.stringify(last)}; the page holds ${await partsOnPage(u, id)}`);
  });
}

/** What the page holds of a message: which parts' bubbles (and whether Mantle hid them), and its frames. */
async function partsOnPage(u: User, id: string): Promise<string> {
  return u.tab.evaluate((id) => {
    const parts: string[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const m = new RegExp(`MNTL1 [MK] ${id} (\\d{3})/\\d{3} `).exec(n.textContent ?? '');
      if (!m) continue;
      const el = n.parentElement!;
      parts.push(`${m[1]}${el.closest('[data-mantle-hidden]') ? ' hidden' : ''}`);
    }
    const frames = [...document.querySelectorAll(`iframe[data-mantle="message"][data-mantle-id="${id}"]`)].map((f) => (f.previousElementSibling?.textContent ?? '').slice(0, 24));
    return `parts [${parts.join(', ')}] and ${frames.length} frame(s) after ${JSON.stringify(frames)}`;
  }, id).catch((e: Error) => `? (${e.message})`);
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
  const id = /^MNTL1 [MK] ([0-9a-f]{8}) /.exec(wire.text)?.[1];
  const frame = await u.tab.frame(`iframe[data-mantle="message"][data-mantle-id="${id}"]`);
  return frame.evaluate(() => document.querySelector('[data-signature]')?.getAttribute('data-signature') ?? null);
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
