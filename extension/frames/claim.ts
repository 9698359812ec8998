import { ask } from '../lib/messaging';

/** A secure frame shows nothing until the background confirms Mantle's content script made it. */
export async function claimFrame(): Promise<boolean> {
  const token = location.hash.slice(1);
  // Clear the token from our URL so nothing that can later read it gets a reusable value.
  history.replaceState(null, '', location.pathname);
  if (!/^[0-9a-f]{48}$/.test(token)) return false;
  try {
    return (await ask('frame.claim', { token })).ok;
  } catch {
    return false;
  }
}
