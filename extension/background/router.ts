/** The background's single entry for messages: checks the sender, then dispatches. */
import browser from 'webextension-polyfill';
import { allowedSenders, classifySender, isEnvelope, REQUEST_PORT, showsUserPresence, type BackgroundApi, type Context, type PortReply, type PortRequest, type Request, type Response } from '@src/protocol';
import { adapterFor } from '@src/sites/registry';
import { fail, ok, type Reply } from '../lib/messaging';

export interface Caller {
  context: Context;
  tabId?: number;
  frameId?: number;
  url: string;
}

type Handler<K extends keyof BackgroundApi> = (
  payload: Request<BackgroundApi, K>,
  caller: Caller,
) => Promise<Response<BackgroundApi, K>> | Response<BackgroundApi, K>;

const handlers: { [K in keyof BackgroundApi]?: Handler<K> } = {};
let userPresent: () => Promise<unknown> = () => Promise.resolve();

/** Set by keys.ts: records use of Mantle for auto-lock, before a request that shows the user is there. */
export function onUserPresent(record: () => Promise<unknown>): void {
  userPresent = record;
}

export function handle<K extends keyof BackgroundApi>(type: K, handler: Handler<K>): void {
  (handlers as Record<string, unknown>)[type] = handler;
}

/** Errors thrown by handlers with a code reach the caller as that code; others as 'internal'. */
export class HandlerError extends Error {
  constructor(readonly code: string, message?: string) {
    super(message ?? code);
  }
}

async function dispatch(message: unknown, sender: browser.Runtime.MessageSender): Promise<Reply<unknown>> {
  if (!isEnvelope(message)) return fail('bad-message');
  const type = message.type as keyof BackgroundApi;
  const context = classifySender(
    sender,
    { extensionId: browser.runtime.id, extensionOrigin: browser.runtime.getURL('') },
    (url) => adapterFor(url) !== null,
  );
  const allowed = allowedSenders[type];
  if (!context || !allowed?.includes(context)) return fail('forbidden');
  const handler = handlers[type] as Handler<typeof type> | undefined;
  if (!handler) return fail('unknown-type');
  try {
    const caller: Caller = { context, tabId: sender.tab?.id, frameId: sender.frameId, url: sender.url ?? '' };
    if (showsUserPresence(type, context, message.payload)) await userPresent().catch(() => undefined);
    return ok(await handler(message.payload as never, caller));
  } catch (e) {
    if (e instanceof HandlerError) return fail(e.code, e.message);
    if (e && typeof e === 'object' && 'code' in e && typeof e.code === 'string') return fail(e.code, String((e as unknown as Error).message));
    console.error('Mantle background:', e);
    return fail('internal', 'Something went wrong in Mantle. Try again; if it persists, reload the extension.');
  }
}

/**
 * Must be called synchronously at start-up so a woken service worker sees the first message.
 * Mantle's contexts ask over a port (lib/messaging.ts says why); runtime messages are answered too.
 * Either way the browser tells who is asking, and `dispatch` checks it.
 */
export function listen(): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) =>
    dispatch(message, sender),
  );
  browser.runtime.onConnect.addListener((port) => {
    const sender = port.sender;
    if (port.name !== REQUEST_PORT || !sender) return port.disconnect();
    port.onMessage.addListener((message: unknown) => {
      const { id, env } = (message ?? {}) as Partial<PortRequest>;
      if (typeof id !== 'number') return;
      void dispatch(env, sender).then((reply) => {
        try {
          port.postMessage({ id, reply } satisfies PortReply);
        } catch {
          // The asking frame or page went away meanwhile.
        }
      });
    });
  });
}
