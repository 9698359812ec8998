/**
 * Mantle on a site without an adapter. Never in the manifest: the background injects it into a
 * tab when the user asks (popup, shortcut, context menu: activeTab), or registers it for the
 * origins the user enabled (optional host permission). Like the chat sites' script it sees no
 * plaintext and no keys: it places Mantle's frames and writes ciphertext into the chosen field.
 * Two entries share this module (inject.ts, auto.ts), each built as a self-contained IIFE; a
 * second injection into the same tab keeps the first instance.
 */
import browser from 'webextension-polyfill';
import { classifySender, contentAllowedSenders, isEnvelope, type AnysiteAction, type ContentApi } from '@src/protocol';
import { focusedField, insertText, readField, type Field } from '@src/anysite/field';
import { fail, ok } from '../../lib/messaging';
import { alive } from '../lifecycle';
import { PageDecrypter } from './decrypt';
import { FieldComposer } from './overlay';

/** The isolated world's global (never the page's): the background's executeScript calls it. */
export const RUN = Symbol.for('mantle.generic.run');
const g = globalThis as unknown as { [RUN]?: (action: AnysiteAction) => Promise<string | null> };

let composer: FieldComposer | null = null;
const decrypter = new PageDecrypter();

/** Opens the composer for a field (replacing one open for another field). */
async function composeFor(field: Field): Promise<void> {
  if (composer?.isOpen && composer.field.el === field.el) return composer.focusFrame();
  composer?.close();
  composer = new FieldComposer(field);
  await composer.open();
}

async function run(action: AnysiteAction): Promise<void> {
  if (action === 'decrypt') return decrypter.watch();
  // Focus already in our composer (the shortcut pressed twice): it stays on its field.
  const field = focusedField(document) ?? (composer?.isOpen && document.activeElement instanceof HTMLIFrameElement ? composer.field : null);
  if (!field) throw new Error('no-field');
  await composeFor(field);
}

/** The ciphertext (parts separated by spaces, on one line) replaces the field's content. */
async function insertParts(parts: string[]): Promise<number> {
  const field = composer?.field;
  if (!field?.el.isConnected) throw new Error('no-compose-box');
  const text = parts.join(' ');
  try {
    if (!(await insertText(field, text))) throw new Error('editor-mismatch');
    if (readField(field) !== text) throw new Error('editor-mismatch');
    // Done with this field: the user checks the ciphertext and sends it with the site's button,
    // so the composer stops covering it once the frame has had its answer and cleared its draft.
    const done = composer;
    setTimeout(() => {
      if (composer === done) composer?.close();
    }, 1200);
    return parts.length;
  } finally {
    composer?.focusFrame();
  }
}

function listen(): void {
  const handlers: { [K in keyof ContentApi]?: (p: ContentApi[K]['req']) => Promise<ContentApi[K]['res']> } = {
    'page.sendParts': async ({ parts }) => ({ sent: await insertParts(parts) }),
    'page.frameLayout': async ({ token, layout }) => {
      if (!composer?.layout(token, layout) && !decrypter.layout(token, layout)) throw new Error('no-frame');
      return { ok: true };
    },
  };
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    if (!isEnvelope(message) || !alive()) return undefined;
    const type = message.type as keyof ContentApi;
    const context = classifySender(sender, { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('') }, () => false);
    const handler = handlers[type] as ((p: unknown) => Promise<unknown>) | undefined;
    if (!context || !handler || !contentAllowedSenders[type]?.includes(context)) return undefined;
    return handler(message.payload).then(ok, (e: unknown) => fail(e instanceof Error ? e.message : 'internal'));
  });
}

/** auto: registered on an enabled site (runs at every load); else injected for one request. */
export function boot(auto: boolean): void {
  if (g[RUN]) return;
  // Resolves with an error code (or null): executeScript passes results, not exceptions.
  g[RUN] = (action) => run(action).then(() => null, (e: unknown) => (e instanceof Error ? e.message : 'internal'));
  listen();
  // On an enabled site, decrypt from the page's load on. The composer still opens only on request:
  // the compose frame focuses its editor when it appears, so opening it on every focused field
  // would take the keyboard from whatever the user clicked.
  if (auto) decrypter.watch();
}
