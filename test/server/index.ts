import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { certificateFor } from './cert';
import { KeyDirectory, type PublishedKey } from './keys';
import { pacScript, startProxy, type Proxy } from './proxy';
import { Relay, SEEDED, type Site, type StoredMessage, type ThreadInfo } from './relay';
import { ALL_HOSTS, createHandler } from './routes';

export type { Site, StoredMessage, ThreadInfo, PublishedKey };
export { USERS, GROUP_TITLE, SEEDED } from './relay';
export { wkdHash, zbase32 } from './keys';

export interface TestServer {
  /** HTTPS port on 127.0.0.1. */
  port: number;
  /** CONNECT proxy on 127.0.0.1: tunnels mapped hosts to `port`, refuses others; serves GET /proxy.pac. */
  proxyPort: number;
  /** Every mapped hostname. */
  hosts: string[];
  /** e.g. https://www.facebook.com/messages/e2ee/t/<id>/?as=alice; no thread → the seeded 1:1.
   *  WhatsApp URLs carry no chat id, so `thread` is ignored there. */
  url(site: Site, thread?: string, as?: string): string;
  /** Value for Chromium's --host-resolver-rules. Ends with a catch-all (MAP * ~NOTFOUND), so put
   *  any rules of your own before it. */
  resolverRules(): string;
  /** PAC text; also served at pacUrl. */
  pacScript(): string;
  /** http://127.0.0.1:<proxyPort>/proxy.pac */
  pacUrl: string;
  relay: {
    stored(filter?: { site?: Site; thread?: string }): StoredMessage[];
    inject(site: Site, thread: string, from: string, text: string): StoredMessage;
    reset(): void;
    /** Titles as `viewer` sees them; without a viewer a 1:1 title names both people. */
    threads(site: Site, viewer?: string): ThreadInfo[];
  };
  keys: {
    publish(opts: PublishedKey): void;
    reset(): void;
  };
  /** Every HTTPS request, in order; `path` includes the query string. */
  requests(): { host: string; method: string; path: string }[];
  close(): Promise<void>;
}

const here = dirname(fileURLToPath(import.meta.url));
export const DEFAULT_FIXTURES_DIR = resolve(here, '../fixtures/dist');

const PAGE_PATH: Readonly<Record<Site, (thread: string) => string>> = {
  messenger: (t) => `https://www.facebook.com/messages/e2ee/t/${encodeURIComponent(t)}/`,
  instagram: (t) => `https://www.instagram.com/direct/t/${encodeURIComponent(t)}/`,
  whatsapp: () => 'https://web.whatsapp.com/',
};

export async function startServer(opts: { port?: number; proxyPort?: number; fixturesDir?: string } = {}):
  Promise<TestServer> {
  const hosts = [...ALL_HOSTS];
  const pem = await certificateFor(hosts);
  const relay = new Relay();
  const keys = new KeyDirectory();
  const log: { host: string; method: string; path: string }[] = [];
  const handler = createHandler({ relay, keys, fixturesDir: resolve(opts.fixturesDir ?? DEFAULT_FIXTURES_DIR), log });

  const https: Server = createServer({ key: pem.key, cert: pem.cert }, handler);
  // Tunnelled and keep-alive sockets would otherwise hold close() open.
  const sockets = new Set<Socket>();
  https.on('secureConnection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)); });
  https.on('tlsClientError', () => { /* browsers probing or aborting: not our concern */ });
  await new Promise<void>((res, rej) => {
    https.once('error', rej);
    https.listen(opts.port ?? 0, '127.0.0.1', () => res());
  });
  const addr = https.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;

  let pac = '';
  let proxy: Proxy;
  try {
    proxy = await startProxy({ port: opts.proxyPort ?? 0, hosts, httpsPort: port, pac: () => pac });
  } catch (err) {
    https.close();
    throw err;
  }
  pac = pacScript(hosts, proxy.port);
  const proxyClose = proxy.close;

  return {
    port,
    proxyPort: proxy.port,
    hosts,
    pacUrl: `http://127.0.0.1:${proxy.port}/proxy.pac`,
    url(site, thread, as) {
      const t = thread ?? SEEDED[site][0]!.id;
      return PAGE_PATH[site](t) + (as ? `?as=${encodeURIComponent(as)}` : '');
    },
    resolverRules() {
      return [
        ...hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`),
        // Anything else must not resolve: tests never reach the internet.
        'MAP * ~NOTFOUND', 'EXCLUDE localhost', 'EXCLUDE 127.0.0.1',
      ].join(', ');
    },
    pacScript: () => pac,
    relay: {
      stored: (filter) => relay.stored(filter),
      inject: (site, thread, from, text) => relay.inject(site, thread, from, text),
      reset: () => relay.reset(),
      threads: (site, viewer) => relay.threads(site, viewer),
    },
    keys: {
      publish: (k) => keys.publish(k),
      reset: () => keys.reset(),
    },
    requests: () => log.map((r) => ({ ...r })),
    async close() {
      for (const s of sockets) s.destroy();
      https.closeAllConnections();
      await Promise.all([new Promise<void>((r) => https.close(() => r())), proxyClose()]);
    },
  };
}
