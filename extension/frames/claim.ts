import type { BackgroundApi } from '@src/protocol';
import { ask, mayRetry } from '../lib/messaging';

type Claimed = Extract<BackgroundApi['frame.claim']['res'], { ok: true }>;

const MAX_TRIES = 5;
const WAIT_MS = 10_000;

const HEX48 = /^[0-9a-f]{48}$/;

// Listen from the moment this module runs: the content script posts the secret on the frame's
// load event, which can come before the UI mounts.
const secrets: string[] = [];
let wake: (() => void) | null = null;
addEventListener('message', (e: MessageEvent) => {
  if (e.source !== parent) return;
  const secret = (e.data as { mantleSecret?: unknown } | null)?.mantleSecret;
  if (typeof secret !== 'string' || !HEX48.test(secret)) return;
  secrets.push(secret);
  wake?.();
});

const wait = (ms: number) =>
  new Promise<void>((r) => {
    wake = r;
    setTimeout(r, ms);
  }).then(() => {
    wake = null;
  });

/**
 * A secure frame shows nothing until the background confirms Mantle's content script made it:
 * the token from our URL plus the secret the content script posts to this very frame. The page
 * can post fake secrets too; a wrong one only costs one of a few tries.
 */
export async function claimFrame(): Promise<Claimed | null> {
  const token = location.hash.slice(1);
  // Clear the token from our URL so nothing that can later read it gets a reusable value.
  history.replaceState(null, '', location.pathname);
  if (!HEX48.test(token)) return null;
  const deadline = Date.now() + WAIT_MS;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    while (!secrets.length) {
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await wait(left);
    }
    const secret = secrets.shift()!;
    const r = await claimWith(token, secret);
    if (r?.ok) return r;
  }
  return null;
}

/**
 * No answer means the worker stopped, perhaps after spending the token: the background lets the
 * frame holding the right secret claim again, so ask again with the same one.
 */
async function claimWith(token: string, secret: string): Promise<BackgroundApi['frame.claim']['res'] | null> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ask('frame.claim', { token, secret });
    } catch (e) {
      if (!mayRetry(e) || attempt >= 3) return null;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}
