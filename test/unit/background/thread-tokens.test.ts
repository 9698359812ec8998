// The thread frame opens each message with the token and secret Mantle's content script posted
// into it: only with that secret, in the tab that asked, and after that only the same frame may
// show the message again, import its key or size its box. The worker may stop between spending a
// token and answering. Storage is an in-memory stand-in (this runs in Node); the token and record
// handlers are the extension's own; decryption is stubbed (messages.ts is tested elsewhere).
import { beforeEach, describe, expect, test, vi } from 'vitest';
import type { FrameRequest, ThreadSize } from '@src/protocol';

const stored = new Map<string, unknown>();
/** Keys read from storage.session, one by one. */
const reads: string[] = [];
const handlers = new Map<string, (payload: unknown, caller: unknown) => Promise<unknown>>();
const told: { tabId: number; sizes: ThreadSize[]; missing?: string[] }[] = [];

vi.mock('webextension-polyfill', () => ({
  default: { tabs: { onRemoved: { addListener() {} } }, storage: { session: { get: async () => Object.fromEntries(stored) } } },
}));
vi.mock('../../../extension/background/store', () => ({
  session: {
    get: async (k: string) => (reads.push(k), structuredClone(stored.get(k))),
    set: async (k: string, v: unknown) => void stored.set(k, structuredClone(v)),
    remove: async (k: string | string[]) => void (Array.isArray(k) ? k : [k]).forEach((x) => stored.delete(x)),
  },
  sessionSnapshot: async () => Object.fromEntries(stored),
}));
vi.mock('../../../extension/background/tabs', () => ({
  tellTab: async (tabId: number, _type: string, payload: { sizes: ThreadSize[]; missing?: string[] }) => void told.push({ tabId, ...payload }),
}));
vi.mock('../../../extension/background/messages', () => ({
  openMessage: async (f: { wire: string[] }) => ({ state: 'text', text: `shown ${f.wire[0]}`, signature: 'verified', own: false }),
  importSharedKey: async () => ({ state: 'key', name: 'Bob', fingerprint: 'F'.repeat(40), known: 'same' }),
}));
vi.mock('../../../extension/background/router', () => ({
  handle: (type: string, fn: (payload: unknown, caller: unknown) => Promise<unknown>) => void handlers.set(type, fn),
  HandlerError: class extends Error {
    constructor(readonly code: string) {
      super(code);
    }
  },
}));

async function load(): Promise<void> {
  vi.resetModules();
  handlers.clear();
  await import('../../../extension/background/frames');
  await import('../../../extension/background/threads');
}

beforeEach(async () => {
  stored.clear();
  told.length = 0;
  await load();
});

const style = { color: 'rgb(0, 0, 0)', fontSize: '14px', fontFamily: 'sans-serif', lineHeight: 'normal', dark: false };
const message = (wire: string) => ({ kind: 'message', site: 'messenger', conversation: { id: '1', title: 'Bob' }, wire: [wire], own: false, sender: 'Bob', style }) as FrameRequest;
const content = (tabId: number) => ({ context: 'content', tabId, frameId: 0, url: 'https://www.messenger.com/t/1' });
const thread = (tabId = 1, frameId = 7) => ({ context: 'thread', tabId, frameId, url: 'chrome-extension://x/frames/thread.html' });
const call = (type: string, payload: unknown, caller: unknown) => handlers.get(type)!(payload, caller);
const token = (wire = 'MNTL1 M 0123abcd 001/001 x', tabId = 1) => call('content.frameToken', message(wire), content(tabId)) as Promise<{ token: string; secret: string }>;
const open = (t: string, secret: string, caller = thread()) => call('thread.open', { token: t, secret }, caller);

describe('the thread frame opens a message', () => {
  test('only with its secret, in the tab that asked, once', async () => {
    const a = await token('a');
    const b = await token('b');
    expect(await open(a.token, b.secret)).toEqual({ ok: false });
    expect(await open(a.token, a.secret, thread(2))).toEqual({ ok: false });
    // Wrong secrets did not spend it.
    expect(await open(a.token, a.secret)).toEqual({ ok: true, shown: expect.objectContaining({ text: 'shown a' }), style });
    expect(await open(a.token, a.secret, thread(1, 8))).toEqual({ ok: false });
    // A compose frame's token opens no message.
    const compose = (await call('content.frameToken', { kind: 'compose', site: 'messenger', conversation: { id: '1', title: 'Bob' } }, content(1))) as { token: string; secret: string };
    expect(await open(compose.token, compose.secret)).toEqual({ ok: false });
  });

  test('the worker stopped before answering: the same frame opens again with its secret, nothing else does', async () => {
    const { token: t, secret } = await token();
    expect(await open(t, secret)).toMatchObject({ ok: true });
    await load();
    expect(await open(t, secret)).toMatchObject({ ok: true });
    expect(await open(t, secret, thread(1, 8))).toEqual({ ok: false });
    expect(await open(t, '0'.repeat(48))).toEqual({ ok: false });
  });

  test('a token this worker issued opens with no storage read for its record; after a restart the record is read', async () => {
    const { token: t, secret } = await token();
    reads.length = 0;
    expect(await open(t, secret)).toMatchObject({ ok: true });
    // Each read is a round trip that a message waits on while the page scrolls (issue 7).
    expect(reads).toEqual([]);
    await load();
    expect(await open(t, secret)).toMatchObject({ ok: true });
    expect(reads).toContain(`frame:1:7:${t}`);
  });

  test('only the frame that opened a message shows it again, imports its key or sizes its box', async () => {
    const a = await token('a');
    const b = await token('b');
    await open(a.token, a.secret);
    await open(b.token, b.secret, thread(1, 8));
    expect(await call('thread.reopen', { token: a.token }, thread())).toMatchObject({ text: 'shown a' });
    await expect(call('thread.reopen', { token: b.token }, thread())).rejects.toThrow('forbidden');
    await expect(call('thread.importKey', { token: b.token }, thread())).rejects.toThrow('forbidden');
    await expect(call('thread.reopen', { token: a.token }, thread(2))).rejects.toThrow('forbidden');
    await call('thread.layout', { sizes: [[a.token, 40, 0], [b.token, 99, 10], ['f'.repeat(48), 1, 1], ['bad', 1, 1]] }, thread());
    expect(told).toEqual([{ tabId: 1, sizes: [[a.token, 40, 0]] }]);
    // Tokens the frame no longer holds only make the page ask anew: passed on, well-formed ones only.
    await call('thread.layout', { sizes: [], missing: [b.token, 'bad'] }, thread());
    expect(told[1]).toEqual({ tabId: 1, sizes: [], missing: [b.token] });
  });

  test('the content script releases a message: its record goes', async () => {
    const a = await token('a');
    await open(a.token, a.secret);
    expect([...stored.keys()].some((k) => k === `frame:1:7:${a.token}`)).toBe(true);
    await call('content.framesGone', { tokens: [a.token] }, content(1));
    expect([...stored.keys()].some((k) => k.startsWith('frame:'))).toBe(false);
    await expect(call('thread.reopen', { token: a.token }, thread())).rejects.toThrow('forbidden');
  });
});
