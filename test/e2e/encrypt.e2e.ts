// Issue 4 (and WhatsApp from issue 6): encrypted conversations. The user types only in Mantle's
// frame; the relay (what the platform stores) holds only ciphertext; the other side reads it.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { browserName, MESSAGE_LIST, poll, relay, twoUsers, user, type Site, type StoredMessage, type User } from './harness';
import { encryptChat, expectNoLeak, seesDecrypted, sendSecure, signatureOf, THREAD_FRAME, threadFrame, unbindAll, wireIdOf, withKeys } from './mantle';

const sites: Site[] = ['messenger', 'instagram', 'whatsapp'];

describe(`${browserName} › encrypted chats`, () => {
  let alice: User;
  let bob: User;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([user('alice'), user('bob')]);
    await withKeys([alice, bob]);
  });
  afterAll(() => unbindAll([alice, bob]));

  test.each(sites)('%s: alice sends, the relay holds only ciphertext, bob reads it verified and replies', async (site) => {
    [alice, bob] = await twoUsers(site);
    await encryptChat(alice, ['Bob Jones']);
    const secret = `Meet at the old library at 7, ${site} ${browserName} ✓ 🎉\nsecond line`;
    const parts = await sendSecure(alice, secret);
    for (const p of parts) expect(p.text).toMatch(/^MNTL1 M [0-9a-f]{8} \d{3}\/\d{3} [A-Za-z0-9+/]+=*$/);
    expectNoLeak(secret);

    const shown = await seesDecrypted(bob, parts[0]!, 'second line');
    expect(shown).toContain(secret.split('\n')[0]);
    expect(await signatureOf(bob, parts[0]!)).toBe('verified');
    // Every message is also encrypted to the sender: alice reads her own.
    await seesDecrypted(alice, parts[0]!, 'old library');

    await encryptChat(bob, ['Alice Smith']);
    const reply = `Yes, see you there — bob on ${site}`;
    const replyParts = await sendSecure(bob, reply);
    expectNoLeak(reply);
    await seesDecrypted(alice, replyParts[0]!, reply);
    expect(await signatureOf(alice, replyParts[0]!)).toBe('verified');
  });

  test('instagram: a 3,000-character message is split into parts under 1,000 characters and reassembled', async () => {
    [alice, bob] = await twoUsers('instagram');
    await encryptChat(alice, ['Bob Jones']);
    const long = Array.from({ length: 62 }, (_, i) => `line ${String(i).padStart(2, '0')}: the quick brown fox jumps over the dog.`).join(' ');
    expect(long.length).toBeGreaterThanOrEqual(3000);
    const parts = await sendSecure(alice, long, 'paste');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text.length).toBeLessThanOrEqual(1000);
    expectNoLeak(long);
    const shown = await seesDecrypted(bob, parts[0]!, 'line 61: the quick brown fox');
    expect(shown).toContain(long);
  });

  test('whatsapp: every part stays short enough that "Read more" never cuts it', async () => {
    [alice, bob] = await twoUsers('whatsapp');
    await encryptChat(alice, ['Bob Jones']);
    const text = 'WhatsApp keeps long texts behind Read more. '.repeat(20);
    const parts = await sendSecure(alice, text, 'paste');
    for (const p of parts) expect([...p.text].length).toBeLessThanOrEqual(768);
    await seesDecrypted(bob, parts[0]!, text.trim());
  });

  test('messenger: one frame over the list draws each message at its box; a wheel over it scrolls the chat', async () => {
    [alice, bob] = await twoUsers('messenger');
    await encryptChat(alice, ['Bob Jones']);
    const sent: StoredMessage[] = [];
    for (let i = 1; i <= 12; i++) sent.push((await sendSecure(alice, `message ${i} of 12 (${browserName})\nits second line`))[0]!);
    // Bob opens the chat with the twelve already in it.
    await bob.open('messenger');
    for (const [i, m] of sent.entries()) await seesDecrypted(bob, m, `message ${i + 1} of 12`);
    const ids = sent.map(wireIdOf);

    // The page's side: the thread frames, the chat's scroller, and every slot, in page order.
    const page = () => bob.tab.evaluate(({ thread, list }) => {
      const box = (r: DOMRect) => ({ x: r.left, y: r.top, w: r.width, h: r.height });
      const frames = [...document.querySelectorAll<HTMLIFrameElement>(thread)];
      const f = frames[0];
      const scrolls = (e: HTMLElement) => /auto|scroll/.test(getComputedStyle(e).overflowY);
      const root = document.querySelector<HTMLElement>(list);
      let scroller = root && (scrolls(root) ? root : [...root.querySelectorAll<HTMLElement>('*')].find(scrolls) ?? null);
      for (let up = root; !scroller && up; up = up.parentElement) if (scrolls(up)) scroller = up;
      // Marked for the steps below.
      scroller?.setAttribute('data-e2e-scroller', '');
      // The frame scrolls with the rows: the chat's scroller is the nearest one around it.
      let around = f?.parentElement ?? null;
      while (around && !scrolls(around)) around = around.parentElement;
      const fr = f?.getBoundingClientRect();
      return {
        count: frames.length,
        inScroller: !!f && !!scroller && around === scroller,
        // The frame's document starts inside its border.
        frame: f && fr ? { x: fr.left + f.clientLeft, y: fr.top + f.clientTop, w: fr.width, h: fr.height, top: fr.top, bottom: fr.bottom, left: fr.left, right: fr.right } : null,
        slots: [...document.querySelectorAll<HTMLElement>('div[data-mantle="slot"]')].map((s) => ({ id: s.dataset.mantleId ?? '', token: s.dataset.mantleToken ?? '', ...box(s.getBoundingClientRect()) })),
      };
    }, { thread: THREAD_FRAME, list: MESSAGE_LIST.messenger });
    const articles = async () => (await threadFrame(bob)).evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('[role="article"]')].map((a) => {
        const r = a.getBoundingClientRect();
        return { id: a.dataset.mantleId ?? '', token: a.dataset.token ?? '', x: r.left, y: r.top, w: r.width, h: r.height };
      }));
    type Page = Awaited<ReturnType<typeof page>>;
    type Articles = Awaited<ReturnType<typeof articles>>;
    const near = (a: number, b: number) => Math.abs(a - b) <= 1;
    const problems = (p: Page, arts: Articles): string[] => {
      const out: string[] = [];
      if (p.count !== 1) out.push(`${p.count} thread frames in the page`);
      if (!p.frame) return out;
      if (!p.inScroller) out.push('the thread frame is not inside the chat\'s scroller');
      for (const id of ids) {
        const slot = p.slots.find((s) => s.id === id);
        const art = arts.find((a) => a.id === id);
        if (!slot?.token) { out.push(`${id}: ${slot ? 'its slot has no token' : 'no slot'}`); continue; }
        if (!art) { out.push(`${id}: no article`); continue; }
        if (art.token !== slot.token) out.push(`${id}: the article's token is not its slot's`);
        const at = { x: p.frame.x + art.x, y: p.frame.y + art.y, h: art.h };
        if (!near(at.x, slot.x) || !near(at.y, slot.y) || !near(at.h, slot.h)) {
          out.push(`${id}: drawn at ${JSON.stringify(at)}, its slot at ${JSON.stringify({ x: slot.x, y: slot.y, h: slot.h })}`);
        }
        // The frame's box holds every slot (it is clipped to them, not smaller than them).
        if (slot.x < p.frame.left - 1 || slot.x + slot.w > p.frame.right + 1 || slot.y < p.frame.top - 1 || slot.y + slot.h > p.frame.bottom + 1) {
          out.push(`${id}: its slot ${JSON.stringify(slot)} is outside the thread frame ${JSON.stringify(p.frame)}`);
        }
      }
      const granted = p.slots.filter((s) => s.token);
      if (granted.length) {
        const first = Math.min(...granted.map((s) => s.y));
        const last = Math.max(...granted.map((s) => s.y + s.h));
        if (p.frame.top > first + 1) out.push(`the frame starts at ${p.frame.top}, below the first slot (${first})`);
        if (!near(p.frame.bottom, last)) out.push(`the frame ends at ${p.frame.bottom}, the last slot at ${last}`);
      }
      // Screen readers and the tab order follow the DOM: the articles in the page's order.
      const slotOrder = granted.map((s) => s.id);
      const articleOrder = arts.map((a) => a.id);
      if (JSON.stringify(slotOrder) !== JSON.stringify(articleOrder)) out.push(`articles in the order ${JSON.stringify(articleOrder)}, slots ${JSON.stringify(slotOrder)}`);
      return out;
    };
    let wrong: string[] = [];
    await poll('every message drawn exactly over its slot', 20_000, async () => {
      // Read the page on both sides of the frame's read: the layout must not have moved in between.
      const before = await page();
      const arts = await articles();
      const after = await page();
      if (JSON.stringify(before) !== JSON.stringify(after)) { wrong = ['the page was still moving']; return undefined; }
      wrong = problems(after, arts);
      return !wrong.length || undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}:\n${wrong.join('\n')}`);
    });

    // The frame adds no scroll length: the scroller is as long without it (and without any box
    // Mantle wraps it in: its ancestors that hold none of the rows).
    const lengths = await bob.tab.evaluate((thread) => {
      const scroller = document.querySelector<HTMLElement>('[data-e2e-scroller]')!;
      let overlay: HTMLElement = document.querySelector<HTMLIFrameElement>(thread)!;
      while (overlay.parentElement && overlay.parentElement !== scroller && !overlay.parentElement.querySelector('div[data-mantle="slot"]')) overlay = overlay.parentElement;
      const withFrame = scroller.scrollHeight;
      const display = overlay.style.display;
      overlay.style.display = 'none';
      const without = scroller.scrollHeight;
      overlay.style.display = display;
      return { withFrame, without, view: scroller.clientHeight };
    }, THREAD_FRAME);
    expect(lengths.withFrame, 'the scroller\'s scrollHeight with the frame, and without it').toBe(lengths.without);
    expect(lengths.withFrame - lengths.view, 'twelve messages are longer than the view: there is somewhere to scroll').toBeGreaterThan(100);

    // The pointer: over a message the frame takes it; elsewhere in the list the site does.
    const hits = await bob.tab.evaluate((thread) => {
      const f = document.querySelector<HTMLIFrameElement>(thread)!;
      const scroller = document.querySelector<HTMLElement>('[data-e2e-scroller]')!;
      const view = scroller.getBoundingClientRect();
      const fr = f.getBoundingClientRect();
      const slots = [...scroller.querySelectorAll<HTMLElement>('div[data-mantle="slot"][data-mantle-token]')].map((s) => s.getBoundingClientRect());
      const inSlot = (x: number, y: number) => slots.some((r) => x >= r.left && x <= r.right && y >= r.top && y <= r.bottom);
      // Slots wholly in view (elementFromPoint only sees the viewport).
      const visible = slots.filter((r) => r.top >= view.top && r.bottom <= view.bottom && r.height > 0);
      const name = (e: Element | null) => (e ? `${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ')[0]}` : ''}` : 'nothing');
      const overSlots = visible.map((r) => {
        const x = r.left + r.width / 2;
        const y = r.top + r.height / 2;
        return { x, y, hit: document.elementFromPoint(x, y) === f, what: name(document.elementFromPoint(x, y)) };
      });
      // A point in the list, inside the frame's box, beside a message (the incoming bubbles sit
      // on the left, no wider than 65 % of the row): the site's own row or its gap.
      let gap: { x: number; y: number; hit: boolean; what: string } | null = null;
      for (const r of visible) {
        const y = r.top + r.height / 2;
        for (let x = Math.min(fr.right, view.left + scroller.clientLeft + scroller.clientWidth) - 4; x > r.right; x -= 10) {
          if (x < fr.left || x < view.left || inSlot(x, y)) continue;
          const e = document.elementFromPoint(x, y);
          gap = { x, y, hit: e === f, what: name(e) };
          break;
        }
        if (gap) break;
      }
      return { overSlots, gap };
    }, THREAD_FRAME);
    expect(hits.overSlots.length, 'messages wholly in view').toBeGreaterThanOrEqual(3);
    for (const h of hits.overSlots) expect(h.hit, `the thread frame takes the pointer at a message's centre (${h.x}, ${h.y}): ${h.what} does`).toBe(true);
    expect(hits.gap, 'a point inside the frame\'s box but beside every message').not.toBeNull();
    expect(hits.gap!.hit, `beside a message (${hits.gap!.x}, ${hits.gap!.y}) the site takes the pointer, not the thread frame; ${hits.gap!.what} has it`).toBe(false);

    // A wheel over a message (the pointer is the frame's there) scrolls the chat.
    const target = hits.overSlots.at(-1)!;
    const scrollTop = () => bob.tab.evaluate(() => document.querySelector<HTMLElement>('[data-e2e-scroller]')!.scrollTop);
    const before = await scrollTop();
    await bob.tab.wheel(target.x, target.y, -300);
    const after = await poll('the chat to scroll under the wheel', 5_000, async () => {
      const now = await scrollTop();
      return now !== before ? now : undefined;
    }).catch(() => before);
    expect(after, `the scroller's scrollTop after a wheel up over a message (it was ${before})`).toBeLessThan(before);
  }, 180_000);
});

describe(`${browserName} › group of three`, () => {
  let users: User[] = [];
  beforeAll(async () => {
    users = await Promise.all([user('alice'), user('bob'), user('carol')]);
    await withKeys(users);
  });
  afterAll(() => unbindAll(users));

  test.each(['messenger', 'whatsapp'] as Site[])('%s: alice writes to the group; bob and carol both read it', async (site) => {
    const [alice, bob, carol] = users as [User, User, User];
    const group = relay().threads(site, 'alice').find((t) => t.participants.length === 3)!;
    await Promise.all([alice, bob, carol].map((u) => u.open(site, site === 'whatsapp' ? group.title : group.id)));
    await encryptChat(alice, ['Bob Jones', 'Carol White']);
    const secret = `Group plans for ${site}: picnic on Saturday`;
    const parts = await sendSecure(alice, secret);
    expectNoLeak(secret);
    await seesDecrypted(bob, parts[0]!, secret);
    await seesDecrypted(carol, parts[0]!, secret);
  });
});
