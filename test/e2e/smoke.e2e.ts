// Smoke level: the built extension loads, attaches to every replica, its pages render, and two
// users really talk through the relay.
import { describe, expect, test } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extensionDir } from './env';
import { browserName, poll, relay, twoUsers, user, type Site, type User } from './harness';

const FRAME = 'iframe[data-mantle="compose"]';

describe(`${browserName} › smoke`, () => {
  test('the extension loads', async () => {
    const alice = await user('alice');
    const origin = alice.session.extensionOrigin;
    expect(origin).toMatch(browserName === 'chromium' ? /^chrome-extension:\/\/[a-p]{32}$/ : /^moz-extension:\/\/[0-9a-f-]{36}$/);
    await poll('the background to run', 10_000, () => alice.session.backgroundAlive().then((up) => up || undefined));
  });

  test('the background restarts after being stopped', async () => {
    const alice = await user('alice');
    await alice.session.stopBackground();
    expect(await alice.session.backgroundAlive()).toBe(false);
    // A runtime message wakes it, whatever the background makes of the message itself.
    const page = await alice.extensionPage('options/index.html');
    try {
      await page.evaluate(() => {
        const g = globalThis as unknown as { browser?: Runtime; chrome?: Runtime };
        return (g.browser ?? g.chrome)!.runtime.sendMessage({ type: 'e2e.wake' }).then(() => null, () => null);
      });
      await poll('the background to run again', 15_000, () => alice.session.backgroundAlive().then((up) => up || undefined));
    } finally {
      await page.close();
    }
  });

  const replicas: { label: string; site: Site; host?: 'www.facebook.com' | 'www.messenger.com' }[] = [
    { label: 'messenger on www.facebook.com', site: 'messenger', host: 'www.facebook.com' },
    { label: 'messenger on www.messenger.com', site: 'messenger', host: 'www.messenger.com' },
    { label: 'instagram', site: 'instagram' },
    { label: 'whatsapp, once a chat is open', site: 'whatsapp' },
  ];
  test.each(replicas)('Mantle sits on the compose box: $label', async ({ site, host }) => {
    const alice = await user('alice');
    const tab = await alice.open(site, undefined, { host });
    await tab.waitFor(FRAME);
    await expectOnRightEdge(alice);
    const frame = await tab.frame(FRAME);
    expect(await frame.evaluate(() => location.protocol)).toBe(browserName === 'chromium' ? 'chrome-extension:' : 'moz-extension:');
    await poll('"Mantle" in the compose frame', 10_000, async () => (await frame.text('body')).includes('Mantle') || undefined);
  });

  // Every secure frame's document loads its requests on the page's main thread
  // (docs/performance.md): the list's thread frame, the composer, and the any-site tool's message frame.
  test.each(['compose', 'message', 'thread'])('the %s frame loads one self-contained script', (frame) => {
    const dir = extensionDir(browserName);
    const html = readFileSync(join(dir, 'frames', `${frame}.html`), 'utf8');
    expect(html).not.toContain('modulepreload');
    const scripts = [...html.matchAll(/<script[^>]*src="\/([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts).toHaveLength(1);
    expect(existsSync(join(dir, scripts[0]!))).toBe(true);
    expect(readFileSync(join(dir, scripts[0]!), 'utf8')).not.toMatch(/(from|import)\s*["']\.{1,2}\//);
  });

  test('the options page renders', async () => {
    const page = await (await user('alice')).extensionPage('options/index.html');
    try {
      await page.waitFor('h1');
      await poll('an h1 with "Mantle"', 10_000, async () => (await page.text('h1')).includes('Mantle') || undefined);
    } finally {
      await page.close();
    }
  });

  test('the popup renders (as a tab)', async () => {
    const page = await (await user('alice')).extensionPage('popup/index.html');
    try {
      await page.waitFor('main', { visible: false });
      await poll('main with "Mantle"', 10_000, async () => (await page.text('main')).includes('Mantle') || undefined);
    } finally {
      await page.close();
    }
  });

  test('alice and bob exchange a message through the relay (messenger)', async () => {
    const [alice, bob] = await twoUsers('messenger');
    const text = `hello bob, it is ${browserName} at ${Date.now()}`;
    const stored = await alice.send(text);
    expect(stored.text).toBe(text);
    await bob.sees(text);
    const { site, thread } = alice.current;
    expect(relay().stored({ site, thread }).filter((m) => m.text === text).map((m) => m.from)).toEqual(['alice']);
  });
});

/** The frame's box must overlap, or touch, the right end of the compose box. */
async function expectOnRightEdge(u: User): Promise<void> {
  const [box, frame] = await u.tab.evaluate(
    ([boxSel, frameSel]) =>
      [boxSel, frameSel].map((s) => {
        const r = document.querySelector(s)!.getBoundingClientRect();
        return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      }),
    [u.composeBox(), FRAME] as [string, string],
  ) as [Rect, Rect];
  const slack = 16;
  const region: Rect = {
    left: box.right - Math.max(120, (box.right - box.left) / 3),
    right: box.right + slack,
    top: box.top - slack,
    bottom: box.bottom + slack,
  };
  const overlaps = frame.left <= region.right && frame.right >= region.left && frame.top <= region.bottom && frame.bottom >= region.top;
  expect(overlaps, `frame ${JSON.stringify(frame)} vs compose box ${JSON.stringify(box)}`).toBe(true);
  expect(frame.right - frame.left).toBeGreaterThan(0);
}

interface Runtime { runtime: { sendMessage(m: unknown): Promise<unknown> } }
interface Rect { left: number; right: number; top: number; bottom: number }
