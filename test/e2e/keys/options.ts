/**
 * Driving Mantle's options page in the Keys scenarios: the same steps in both browsers, through
 * the harness's Tab API. Values are set the way a person's paste or file pick would arrive (an
 * input event, a change event with a real File); everything else is real clicks and keys.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KeysState } from '../../../src/protocol';
import { REPO } from '../env';
import { poll, type Tab, type User } from '../harness';

export const FIXTURES = resolve(REPO, 'test/fixtures/keys');
export const fixture = (name: string): string => readFileSync(resolve(FIXTURES, name), 'utf8');
export const fixtureBytes = (name: string): Buffer => readFileSync(resolve(FIXTURES, name));
export const UI_PASS = fixture('ui-passphrase.txt').trim();

const messages = JSON.parse(readFileSync(resolve(REPO, 'extension/public/_locales/en/messages.json'), 'utf8')) as Record<string, { message: string }>;
/** The English text of a message key, as the page shows it (placeholders are not used here). */
export function msg(key: string): string {
  const m = messages[key];
  if (!m) throw new Error(`no message ${key}`);
  return m.message;
}

export async function openOptions(user: User, hash = ''): Promise<Tab> {
  const tab = await user.extensionPage(`options/index.html${hash}`);
  await tab.waitFor('main#mantle-options[data-ready="true"]', { visible: false });
  await captureDownloads(tab);
  return tab;
}

/** Locks the user's keys (as "Lock now" does), or unlocks the default one with `passphrase`. */
export async function setLocked(user: User, locked: boolean, passphrase = UI_PASS): Promise<void> {
  const tab = await openOptions(user);
  await ask(tab, locked ? 'keys.lock' : 'keys.unlock', locked ? {} : { passphrase });
  await tab.close();
}

export async function reload(tab: Tab): Promise<void> {
  // The navigation may tear down the evaluation before it answers.
  await tab.evaluate(() => {
    setTimeout(() => location.reload(), 0);
  }).catch(() => undefined);
  await poll('the options page to reload', 15_000, () =>
    tab.evaluate(() => !(window as unknown as { __mantleDownloads?: unknown }).__mantleDownloads && !!document.querySelector('main[data-ready="true"]')).catch(() => false),
  );
  await captureDownloads(tab);
}

/** Asks the background directly from the options page (an allowed sender), for assertions. */
export async function ask<T = unknown>(tab: Tab, type: string, payload: unknown = {}): Promise<T> {
  const reply = await tab.evaluate(
    async ([t, p]) => {
      const g = globalThis as unknown as { browser?: { runtime: { sendMessage(m: unknown): Promise<unknown> } }; chrome?: { runtime: { sendMessage(m: unknown): Promise<unknown> } } };
      return (g.browser ?? g.chrome)!.runtime.sendMessage({ mantle: 1, type: t, payload: p });
    },
    [type, payload] as [string, unknown],
  ) as { ok: boolean; value?: T; code?: string };
  if (!reply.ok) throw new Error(`${type} failed: ${reply.code}`);
  return reply.value as T;
}

export const state = (tab: Tab): Promise<KeysState> => ask<KeysState>(tab, 'keys.state');

/** Like a fresh profile for Mantle: both storage areas emptied (this profile is shared by other files). */
export async function resetProfile(user: User): Promise<void> {
  const tab = await user.extensionPage('options/index.html');
  await tab.evaluate(async () => {
    type Areas = { storage: { local: { clear(): Promise<void> }; session: { clear(): Promise<void> } } };
    const g = globalThis as unknown as { browser?: Areas; chrome?: Areas };
    const storage = (g.browser ?? g.chrome)!.storage;
    await storage.local.clear();
    await storage.session.clear();
  });
  await tab.close();
}

/** Sets a text field as a paste would, then lets Preact see it. */
export async function fill(tab: Tab, selector: string, value: string): Promise<void> {
  await tab.waitFor(selector);
  await tab.evaluate(([sel, v]) => {
    const el = document.querySelector(sel) as HTMLInputElement | HTMLTextAreaElement;
    el.focus();
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, [selector, value] as [string, string]);
}

/** Picks a file in an <input type=file>, as the file chooser would. */
export async function pickFile(tab: Tab, selector: string, name: string, bytes: Uint8Array | string): Promise<void> {
  const b64 = Buffer.from(bytes).toString('base64');
  await tab.waitFor(selector);
  await tab.evaluate(([sel, n, data]) => {
    const input = document.querySelector(sel) as HTMLInputElement;
    const raw = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([raw], n));
    input.files = dt.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  }, [selector, name, b64] as [string, string, string]);
}

/**
 * Downloads are caught at the anchor click, so tests can read what the user would save. The blob
 * is kept when its URL is made: the page's CSP (connect-src https:) forbids fetching blob: URLs.
 */
async function captureDownloads(tab: Tab): Promise<void> {
  await tab.evaluate(() => {
    type W = { __mantleDownloads?: { name: string; blob: Blob | undefined }[]; __mantleBlobs?: Map<string, Blob> };
    const w = window as unknown as W;
    if (w.__mantleDownloads) return;
    w.__mantleDownloads = [];
    const blobs = (w.__mantleBlobs = new Map());
    const create = URL.createObjectURL.bind(URL);
    URL.createObjectURL = (obj: Blob | MediaSource) => {
      const url = create(obj);
      if (obj instanceof Blob) blobs.set(url, obj);
      return url;
    };
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      if (this.download) w.__mantleDownloads!.push({ name: this.download, blob: blobs.get(this.href) });
      else click.call(this);
    };
  });
}

/** The latest download's file name and text. */
export async function lastDownload(tab: Tab): Promise<{ name: string; text: string }> {
  return poll('a download', 10_000, () =>
    tab.evaluate(async () => {
      const list = (window as unknown as { __mantleDownloads: { name: string; blob: Blob | undefined }[] }).__mantleDownloads;
      const last = list[list.length - 1];
      if (!last) return undefined;
      list.length = 0;
      return { name: last.name, text: last.blob ? await last.blob.text() : '' };
    }),
  );
}

/** Text of the first visible error alert (waits for it). */
export async function alertText(tab: Tab, scope = ''): Promise<string> {
  const sel = `${scope} [role="alert"]`.trim();
  await tab.waitFor(sel);
  return (await tab.text(sel)).trim();
}

/** The element that has focus: its role, tag and text, for focus-management checks. */
export function focused(tab: Tab): Promise<{ tag: string; role: string | null; text: string; id: string }> {
  return tab.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName.toLowerCase() ?? '', role: el?.getAttribute('role') ?? null, text: el?.innerText ?? '', id: el?.id ?? '' };
  });
}

export async function clickText(tab: Tab, selector: string, text: string): Promise<void> {
  await poll(`${selector} with text ${JSON.stringify(text)}`, 10_000, () =>
    tab.evaluate(([sel, t]) => {
      const el = [...document.querySelectorAll<HTMLElement>(sel)].find((e) => e.innerText.trim() === t && !(e as HTMLButtonElement).disabled);
      el?.click();
      return !!el || undefined;
    }, [selector, text] as [string, string]),
  );
}

/** Creates an own key through the onboarding form (clicks, for speed); returns its fingerprint. */
export async function onboard(tab: Tab, name: string, pass: string, email = ''): Promise<string> {
  await tab.waitFor('#create-key');
  await fill(tab, '#create-name', name);
  if (email) await fill(tab, '#create-email', email);
  await fill(tab, '#create-pass', pass);
  await fill(tab, '#create-repeat', pass);
  await tab.click('#create-key button[type="submit"]');
  await tab.waitFor('#created', { timeout: 30_000 });
  const fpr = await tab.evaluate(() => document.querySelector('#created .fpr')!.getAttribute('data-fingerprint')!);
  await clickText(tab, '#created button', msg('keysContinue'));
  await tab.waitFor('#own-keys');
  return fpr;
}

export const groupsOfFour = (fpr: string): string => fpr.replace(/(.{4})(?=.)/g, '$1 ');
