/**
 * A message arriving in the chat that is open, the case a person meets most: from the moment its
 * bubble appears in the page (the site's own ciphertext) until the chat's thread frame shows its
 * plaintext (its article's 'shown' mark, observe.ts).
 * One at a time, a second apart, as the replica's feed delivers them.
 */
import type { Page } from 'playwright-core';
import { relay } from '../e2e/harness';
import type { Observer } from './observe';
import { openThread } from './open';
import { THREAD, type Conversation, type World } from './world';

const GAP_MS = 1000;

/** Starts watching the page for the bubble of message `id` (its wire id); runs in the page. */
const watch = (id: string) => `(() => {
  window.__mantleBenchAppeared = 0;
  const mo = new MutationObserver(() => {
    for (const el of document.querySelectorAll('[role="main"] .msg-text')) {
      if (!el.textContent.startsWith('MNTL1 M ${id}')) continue;
      window.__mantleBenchAppeared = performance.timeOrigin + performance.now();
      mo.disconnect();
      return;
    }
  });
  mo.observe(document, { childList: true, subtree: true, characterData: true });
})()`;

/** When the bubble appeared, and the token of the slot Mantle put in its place (once both exist). */
const found = (id: string) => `(() => {
  const s = document.querySelector('[data-mantle="slot"][data-mantle-id="${id}"][data-mantle-token]');
  return window.__mantleBenchAppeared && s ? [window.__mantleBenchAppeared, s.dataset.mantleToken] : null;
})()`;

/** Opens a short thread (`thread`), then delivers each of `incoming` into it; ms per message. */
export async function measureIncoming(w: World, obs: Observer, thread: Conversation, incoming: Conversation): Promise<number[]> {
  await openThread(w, obs, thread, { scrollAll: false, jump: false });
  const page = (w.alice.tab as unknown as { page: Page }).page;
  const out: number[] = [];
  for (const wire of incoming.wire) {
    const id = /^MNTL1 M ([0-9a-f]{8})/.exec(wire)![1]!;
    await page.evaluate(watch(id));
    const since = obs.marks.length;
    relay().inject('messenger', THREAD, 'bob', wire);
    out.push(
      await obs.until(`message ${id} to show decrypted`, 30_000, async () => {
        const r = (await page.evaluate(found(id))) as [number, string] | null;
        // By token, as the slot's and the article's are the same; by wire id should they differ.
        const fresh = obs.marks.slice(since).filter((m) => m.kind === 'shown');
        const shown = r && (fresh.find((m) => m.token === r[1]) ?? fresh.find((m) => m.id === id));
        if (shown && !shown.ok) throw new Error(`bench: message ${id} showed an error state in the thread frame (${shown.state ?? '?'})`);
        return shown ? shown.t - r[0] : undefined;
      }).catch(async (e: Error) => {
        const state = await page.evaluate(`(() => {
          const s = document.querySelector('[data-mantle="slot"][data-mantle-id="${id}"]');
          return [!!window.__mantleBenchAppeared, s ? (s.dataset.mantleToken ? 'a slot with a token' : 'a slot without a token') : 'no slot',
            document.querySelectorAll('iframe[data-mantle="thread"]').length];
        })()`).catch(() => null) as [boolean, string, number] | null;
        throw new Error(`${e.message}: ${state ? `bubble ${state[0] ? 'appeared' : 'not seen'}, ${state[1]}, ${state[2]} thread frames` : 'page gone'}`);
      }),
    );
    await new Promise((r) => setTimeout(r, GAP_MS));
  }
  return out;
}
