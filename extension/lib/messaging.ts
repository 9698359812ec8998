/** Typed wrappers over runtime messaging; every payload goes through the protocol module. */
import browser from 'webextension-polyfill';
import { isBroadcast, type BackgroundApi, type Broadcast, type ContentApi, type Envelope, type Request, type Response } from '@src/protocol';

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

export function ask<K extends keyof BackgroundApi>(
  type: K,
  payload: Request<BackgroundApi, K>,
): Promise<Response<BackgroundApi, K>> {
  const env: Envelope<BackgroundApi, K> = { mantle: 1, type, payload };
  return unwrap(browser.runtime.sendMessage(env));
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
  browser.runtime.onMessage.addListener((message: unknown, sender: browser.Runtime.MessageSender) => {
    if (sender.id === browser.runtime.id && !sender.tab && isBroadcast(message)) fn(message.broadcast);
    return undefined;
  });
}
export type { Reply };
