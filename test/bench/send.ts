/**
 * Send latency: Enter in the secure composer (keydown, in the compose frame) until the site's
 * client posts the message (its fetch, in the page) — by then Mantle has encrypted and signed,
 * put the ciphertext in the site's editor, read it back and pressed the site's Enter.
 *
 * `pauseMs` between messages: a person takes longer than that to write the next one, and by then
 * the message just sent shows in the chat's thread frame. Sent back to back (no pause), each send
 * competes with the previous message being shown, in the same two cores; both are reported.
 */
import { composer, encryptChat } from '../e2e/mantle';
import { relay } from '../e2e/harness';
import type { Observer } from './observe';
import { THREAD, type World } from './world';

export async function measureSend(w: World, obs: Observer, texts: string[], opts: { pauseMs: number }, log: (s: string) => void = () => {}): Promise<number[]> {
  const { alice } = w;
  relay().reset();
  await alice.open('messenger', THREAD);
  await encryptChat(alice, ['Bob Jones']);
  const frame = await composer(alice);
  await frame.click('textarea');
  const stored = () => relay().stored({ site: 'messenger', thread: THREAD }).length;
  const latencies: number[] = [];
  for (const [i, text] of texts.entries()) {
    // A paste: one input event (typing is the user's time, not Mantle's).
    await frame.evaluate((t) => {
      const area = document.querySelector('textarea')!;
      area.value = t;
      area.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertFromPaste' }));
    }, text);
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
    const before = obs.marks.length;
    await alice.tab.press('Enter');
    const [enter, post] = await obs.until(`message ${i + 1} to be sent`, 20_000, () => {
      const fresh = obs.marks.slice(before);
      const e = fresh.find((m) => m.kind === 'enter');
      const p = fresh.find((m) => m.kind === 'post');
      return e && p && stored() > i ? ([e, p] as const) : undefined;
    });
    latencies.push(post.t - enter.t);
    if ((i + 1) % 25 === 0) log(`send: ${i + 1}/${texts.length}, last ${Math.round(post.t - enter.t)} ms`);
    await obs.until('the composer to clear', 30_000, async () => (await frame.evaluate(() => document.querySelector('textarea')!.value === '')) || undefined).catch(async (e: Error) => {
      const shows = await frame.evaluate(() => `${JSON.stringify(document.querySelector('textarea')?.value)}; ${document.body.innerText}`);
      throw new Error(`${e.message}; the composer shows ${shows}`);
    });
  }
  const sent = relay().stored({ site: 'messenger', thread: THREAD });
  if (sent.length !== texts.length || !sent.every((m) => m.text.startsWith('MNTL1 M '))) {
    throw new Error(`bench: expected ${texts.length} Mantle messages on the relay, found ${sent.length}`);
  }
  if (sent.some((m, i) => m.text.includes(texts[i]!.slice(0, 12)))) throw new Error('bench: plaintext reached the relay');
  return latencies;
}
