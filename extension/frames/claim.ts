import type { FrameRequest } from '@src/protocol';
import { ask } from '../lib/messaging';

/** A secure frame shows nothing until the background confirms Mantle's content script made it. */
export async function claimFrame(): Promise<FrameRequest | null> {
  const token = location.hash.slice(1);
  // Clear the token from our URL so nothing that can later read it gets a reusable value.
  history.replaceState(null, '', location.pathname);
  if (!/^[0-9a-f]{48}$/.test(token)) return null;
  try {
    const r = await ask('frame.claim', { token });
    return r.ok ? r.frame : null;
  } catch {
    return null;
  }
}
