import type { BackgroundApi } from '@src/protocol';
import { ask, RemoteError } from '../lib/messaging';

type Claimed = Extract<BackgroundApi['frame.claim']['res'], { ok: true }>;

const MAX_TRIES = 5;
const WAIT_MS = 10_000;

// Listen from the moment this module runs: the content script posts the secret on the frame's
// load event, which can come before the UI mounts.
interface Grant { token?: string; secret: string }
const HEX48 = /^[0-9a-f]{48}$/;
const grants: Grant[] = [];
let wake: (() => void) | null = null;
addEventListener('message', (e: MessageEvent) => {
  const data = e.data as { mantleSecret?: unknown; mantleToken?: unknown } | null;
  const secret = data?.mantleSecret;
  const token = data?.mantleToken;
  if (e.source !== parent || typeof secret !== 'string' || !HEX48.test(secret)) return;
  if (token !== undefined && (typeof token !== 'string' || !HEX48.test(token))) return;
  grants.push(token === undefined ? { secret } : { token, secret });
  wake?.();
});

async function nextGrant(deadline: number): Promise<Grant | null> {
  while (!grants.length) {
    const left = deadline - Date.now();
    if (left <= 0) return null;
    await new Promise<void>((r) => {
      wake = r;
      if (left !== Infinity) setTimeout(r, left);
    });
    wake = null;
  }
  return grants.shift()!;
}

/**
 * A secure frame shows nothing until the background confirms Mantle's content script made it:
 * the token from our URL plus the secret the content script posts to this very frame. The page
 * can post fake secrets too; a wrong one only costs one of a few tries.
 *
 * A spare message frame (`#spare-…`, loaded before its bubble existed) gets token and secret
 * posted together once the content script has moved it into a bubble; it waits for them as long
 * as it lives. The page can post fake grants to it too: each is refused (`onRefused` shows it),
 * and the frame keeps waiting for the content script's.
 */
export async function claimFrame(onRefused?: () => void): Promise<Claimed | null> {
  const hash = location.hash.slice(1);
  // Clear the token from our URL so nothing that can later read it gets a reusable value.
  history.replaceState(null, '', location.pathname);
  if (/^spare-[0-9a-f]{8}$/.test(hash)) return claimSpare(onRefused);
  if (!HEX48.test(hash)) return null;
  const deadline = Date.now() + WAIT_MS;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const grant = await nextGrant(deadline);
    if (!grant) return null;
    const r = await claimWith(hash, grant.secret);
    if (r?.ok) return r;
  }
  return null;
}

async function claimSpare(onRefused?: () => void): Promise<Claimed> {
  for (;;) {
    const grant = await nextGrant(Infinity);
    if (!grant?.token) continue;
    const r = await claimWith(grant.token, grant.secret);
    if (r?.ok) return r;
    onRefused?.();
  }
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
      if ((e instanceof RemoteError && e.code !== 'no-reply') || attempt >= 3) return null;
      await new Promise((r) => setTimeout(r, 250 * (attempt + 1)));
    }
  }
}
