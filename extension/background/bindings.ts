/** Which contacts' keys receive each chat's messages; persisted per site and conversation id. */
import type { SiteId } from '@src/sites/types';
import { local } from './store';

export interface Binding { enabled: boolean; recipients: string[]; title: string; updated: number }
const KEY = 'bindings';
let queue: Promise<unknown> = Promise.resolve();

const chatKey = (site: SiteId, id: string) => `${site}:${id}`;

async function all(): Promise<Record<string, Binding>> {
  return (await local.get<Record<string, Binding>>(KEY)) ?? {};
}

export async function getBinding(site: SiteId, id: string): Promise<Binding | null> {
  return (await all())[chatKey(site, id)] ?? null;
}

/** Writes are serialised: two frames binding at once must not lose one another's change. */
export function setBinding(site: SiteId, id: string, binding: Binding): Promise<void> {
  const next = queue.then(async () => {
    const map = { ...(await all()), [chatKey(site, id)]: binding };
    await local.set(KEY, map);
  });
  queue = next.catch(() => undefined);
  return next;
}
