import type { SiteAdapter } from './types';
import { instagram } from './instagram';
import { messenger } from './messenger';
import { whatsapp } from './whatsapp';

export const adapters: SiteAdapter[] = [messenger, instagram, whatsapp];

/** The adapter for a page, or null: Mantle then stays out of the page ("site not recognised"). */
export function adapterFor(url: URL): SiteAdapter | null {
  return adapters.find((a) => a.matches(url)) ?? null;
}
