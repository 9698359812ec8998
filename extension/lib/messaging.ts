/** Typed wrappers over runtime messaging; every payload goes through the protocol module. */
import browser from './browser';
import type { Runtime } from 'webextension-polyfill';
import { isBroadcast, REQUEST_PORT, type BackgroundApi, type Broadcast, type ContentApi, type Envelope, type PortReply, type PortRequest, type Request, type Response } from '@src/protocol';

/** Thrown to callers when the background refuses or fails a request. */
export class RemoteError extends Error {
  constructor(readonly code: string, message?: string) {
    super(message ?? code);
  }
}

type Reply<T> = { ok: true; value: T } | { ok: false; code: string; message?: string };

/** No answer came (the worker stopped while it held the request): asking again may work; a refusal will not. */
export function mayRetry(e: unknown): boolean {
  return !(e instanceof RemoteError) || e.code === 'no-reply';
}

async function unwrap<T>(p: Promise<unknown>): Promise<T> {
  const reply = (await p) as Reply<T> | undefined;
  if (!reply) throw new RemoteError('no-reply');
  if (!reply.ok) throw new RemoteError(reply.code, reply.message);
  return reply.value;
}

interface Connection { port: Runtime.Port; waiting: Map<number, (reply: unknown) => void> }
let connection: Connection | null = null;
let nextId = 0;

/**
 * Requests go to the background over one port per context, not as runtime messages: Chromium
 * hands every runtime message to every frame of the extension, and a screen of message frames
 * (each bubble's, and the ones loaded ahead) made each round trip ~3 ms instead of ~0.3 ms, on
 * the extension renderer's one thread (docs/performance.md, twelfth round). The port opens when
 * first needed, and again after the background stopped (an MV3 worker stops at any moment):
 * requests it held get no reply, as a runtime message would, and callers may ask again.
 */
function connect(): Connection {
  if (connection) return connection;
  const port = browser.runtime.connect({ name: REQUEST_PORT });
  const c: Connection = { port, waiting: new Map() };
  port.onMessage.addListener((message: unknown) => {
    const { id, reply } = message as PortReply;
    const done = c.waiting.get(id);
    c.waiting.delete(id);
    done?.(reply);
  });
  port.onDisconnect.addListener(() => {
    if (connection === c) connection = null;
    for (const done of c.waiting.values()) done(undefined);
    c.waiting.clear();
  });
  return (connection = c);
}

export function ask<K extends keyof BackgroundApi>(
  type: K,
  payload: Request<BackgroundApi, K>,
): Promise<Response<BackgroundApi, K>> {
  const env: Envelope<BackgroundApi, K> = { mantle: 1, type, payload };
  return unwrap(
    new Promise((resolve) => {
      const id = ++nextId;
      // A port that closed unnoticed throws: the request never left, so a new port may carry it.
      for (let attempt = 0; attempt < 2; attempt++) {
        let c: Connection | null = null;
        try {
          c = connect();
          c.waiting.set(id, resolve);
          c.port.postMessage({ id, env } satisfies PortRequest);
          return;
        } catch {
          c?.waiting.delete(id);
          if (connection === c) connection = null;
        }
      }
      // No port opens: this context was orphaned by an extension reload.
      resolve(undefined);
    }),
  );
}

export function askTab<K extends keyof ContentApi>(
  tabId: number,
  type: K,
  payload: Request<ContentApi, K>,
): Promise<Response<ContentApi, K>> {
  const env: Envelope<ContentApi, K> = { mantle: 1, type, payload };
  return unwrap(browser.tabs.sendMessage(tabId, env, { frameId: 0 }));
}

export function ok<T>(value: T): Reply<T> {
  return { ok: true, value };
}

export function fail(code: string, message?: string): Reply<never> {
  return { ok: false, code, message };
}
/** Listens to the background's news, and only to its own (no other extension can send here). */
export function onBroadcast(fn: (news: Broadcast['broadcast']) => void): void {
  browser.runtime.onMessage.addListener((message: unknown, sender: Runtime.MessageSender) => {
    if (sender.id === browser.runtime.id && !sender.tab && isBroadcast(message)) fn(message.broadcast);
    return undefined;
  });
}
export type { Reply };
