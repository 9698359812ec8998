// A secure frame's claim: only the frame holding the secret the background gave Mantle's content
// script, in the tab that asked, claims its token, and only once; the worker may stop between
// spending a token and answering, and then that same frame, with its secret, claims again.
// Storage is an in-memory stand-in (this runs in Node); the handlers are the extension's own.
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { FrameRequest } from '@src/protocol';

const stored = new Map<string, unknown>();
const handlers = new Map<string, (payload: unknown, caller: unknown) => Promise<unknown>>();

vi.mock('webextension-polyfill', () => ({
  default: { tabs: { onRemoved: { addListener() {} } }, storage: { session: { get: async () => Object.fromEntries(stored) } } },
}));
vi.mock('../../../extension/background/store', () => ({
  session: {
    get: async (k: string) => structuredClone(stored.get(k)),
    set: async (k: string, v: unknown) => void stored.set(k, structuredClone(v)),
    remove: async (k: string | string[]) => void (Array.isArray(k) ? k : [k]).forEach((x) => stored.delete(x)),
  },
  sessionSnapshot: async () => Object.fromEntries(stored),
}));
vi.mock('../../../extension/background/tabs', () => ({ tellTab: async () => ({ ok: true }) }));
vi.mock('../../../extension/background/router', () => ({
  handle: (type: string, fn: (payload: unknown, caller: unknown) => Promise<unknown>) => void handlers.set(type, fn),
  HandlerError: class extends Error {
    constructor(readonly code: string) {
      super(code);
    }
  },
}));

beforeEach(async () => {
  stored.clear();
  handlers.clear();
  vi.resetModules();
  await import('../../../extension/background/frames');
});

const compose = { kind: 'compose', site: 'messenger', conversation: { id: '1', title: 'Bob' } } as FrameRequest;
const content = (tabId: number) => ({ context: 'content', tabId, frameId: 0, url: 'https://www.messenger.com/t/1' });
const frameIn = (tabId: number, frameId: number) => ({ context: 'compose', tabId, frameId, url: 'chrome-extension://x/frames/compose.html' });
const token = (tabId = 1) => handlers.get('content.frameToken')!(compose, content(tabId)) as Promise<{ token: string; secret: string }>;
const claim = (t: string, secret: string, caller = frameIn(1, 7)) => handlers.get('frame.claim')!({ token: t, secret }, caller) as Promise<{ ok: boolean }>;

describe('claiming a secure frame', () => {
  test('only with its secret, in the tab that asked, once', async () => {
    const a = await token();
    const b = await token();
    expect(a.token).toMatch(/^[0-9a-f]{48}$/);
    expect(a.secret).toMatch(/^[0-9a-f]{48}$/);
    expect(new Set([a.token, a.secret, b.token, b.secret]).size).toBe(4);
    expect(await claim(a.token, b.secret)).toEqual({ ok: false });
    expect(await claim(a.token, a.secret, frameIn(2, 7))).toEqual({ ok: false });
    // Wrong secrets did not spend it.
    expect(await claim(a.token, a.secret)).toMatchObject({ ok: true, frame: compose });
    expect(await claim(a.token, a.secret, frameIn(1, 8))).toEqual({ ok: false });
  });

  test('the worker stopped before answering: the same frame claims again with its secret, nothing else does', async () => {
    const { token: t, secret } = await token();
    expect(await claim(t, secret)).toMatchObject({ ok: true });
    vi.resetModules();
    handlers.clear();
    await import('../../../extension/background/frames');
    expect(await claim(t, secret)).toMatchObject({ ok: true, frame: compose });
    expect(await claim(t, secret, frameIn(1, 8))).toEqual({ ok: false });
    expect(await claim(t, '0'.repeat(48))).toEqual({ ok: false });
  });

  test('a token goes stale after a minute', async () => {
    vi.useFakeTimers({ now: Date.now(), toFake: ['Date'] });
    try {
      const { token: t, secret } = await token();
      vi.setSystemTime(Date.now() + 61_000);
      expect(await claim(t, secret)).toEqual({ ok: false });
    } finally {
      vi.useRealTimers();
    }
  });
});
