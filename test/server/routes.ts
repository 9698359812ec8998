import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { injectHostile, parseHostileFlags } from '../fixtures/hostile/flags';
import { KEY_HOSTS, type KeyDirectory } from './keys';
import { RelayError, USERS, type Relay, type Site } from './relay';

export const SITE_HOSTS: Readonly<Record<string, Site>> = {
  'www.facebook.com': 'messenger',
  'www.messenger.com': 'messenger',
  'www.instagram.com': 'instagram',
  'web.whatsapp.com': 'whatsapp',
};
export const ALL_HOSTS = [...Object.keys(SITE_HOSTS), ...KEY_HOSTS];

const PAGE_ROUTES: Readonly<Record<string, RegExp>> = {
  'www.facebook.com': /^\/messages\/(?:e2ee\/)?t\/[^/]+\/?$/,
  'www.messenger.com': /^\/(?:e2ee\/)?t\/[^/]+\/?$/,
  'www.instagram.com': /^\/direct\/t\/[^/]+\/?$/,
  'web.whatsapp.com': /^\/$/,
};

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const MAX_BODY = 12 * 1024 * 1024;

export interface Ctx {
  relay: Relay;
  keys: KeyDirectory;
  fixturesDir: string;
  log: { host: string; method: string; path: string }[];
}

function send(res: ServerResponse, status: number, type: string, body: string | Uint8Array,
  extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store', ...extra });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
const text = (res: ServerResponse, status: number, msg: string) =>
  send(res, status, 'text/plain; charset=utf-8', `${msg}\n`);
const json = (res: ServerResponse, status: number, value: unknown) =>
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

class TooLarge extends Error {}

// Over the limit we answer 413 at once and let Node discard the rest of the body: closing the
// socket with unread data would reset the connection before the client reads the 413.
function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_BODY) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new TooLarge());
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export function createHandler(ctx: Ctx) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    handle(ctx, req, res).catch((err: unknown) => {
      if (err instanceof TooLarge) return text(res, 413, `body over ${MAX_BODY} bytes`);
      if (!res.headersSent) text(res, 500, String(err));
      else res.destroy();
    });
  };
}

async function handle(ctx: Ctx, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const host = (req.headers.host ?? '').replace(/:\d+$/, '').toLowerCase();
  const method = req.method ?? 'GET';
  ctx.log.push({ host, method, path: req.url ?? '/' });
  const url = new URL(req.url ?? '/', 'https://local.invalid');

  // The second-origin attacker of the hostile suite (test/fixtures/hostile/attacker.ts).
  if (host === 'example.org' && (url.pathname === '/attacker.html' || url.pathname === '/attacker.js')) {
    return serveFile(ctx, res, url.pathname.slice(1), true);
  }
  // A page with every kind of editor, for Mantle on sites without an adapter (test/fixtures/generic).
  if (host === 'example.org' && /^\/editors\/(editors\.js)?$/.test(url.pathname) && (method === 'GET' || method === 'HEAD')) {
    return serveFile(ctx, res, url.pathname.endsWith('.js') ? 'generic/editors.js' : 'generic/editors.html', true);
  }

  if (KEY_HOSTS.includes(host)) {
    // The extension's own pages look keys up cross-origin.
    res.setHeader('Access-Control-Allow-Origin', '*');
    if (method === 'OPTIONS') {
      res.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, HEAD', 'Access-Control-Allow-Headers': '*',
        'Cache-Control': 'no-store' });
      return void res.end();
    }
    if (method !== 'GET' && method !== 'HEAD') return text(res, 405, 'method not allowed');
    const r = ctx.keys.handle(host, url.pathname)!;
    return send(res, r.status, r.type, r.body);
  }

  const site = SITE_HOSTS[host];
  if (!site) return text(res, 421, `host ${host || '(none)'} is not mapped by the Mantle test server`);

  if (url.pathname.startsWith('/__relay/')) {
    let body: unknown = null;
    if (method === 'POST') {
      const raw = await readBody(req);
      try { body = JSON.parse(raw.toString('utf8')); } catch { return text(res, 400, 'body is not JSON'); }
    }
    try {
      const out = ctx.relay.handle(site, cookie(req, 'mantle_user'), method, url.pathname.slice(8), url.searchParams, body);
      return json(res, 200, out);
    } catch (err) {
      if (err instanceof RelayError) return json(res, err.status, { error: err.message });
      throw err;
    }
  }

  if (method !== 'GET' && method !== 'HEAD') return text(res, 405, 'method not allowed');

  if (url.pathname.startsWith('/__replica/')) return serveFile(ctx, res, url.pathname.slice(11));

  const as = url.searchParams.get('as');
  if (as !== null) {
    if (!(as in USERS)) return text(res, 400, `unknown user ${as}; expected one of ${Object.keys(USERS).join(', ')}`);
    url.searchParams.delete('as');
    return send(res, 302, 'text/plain; charset=utf-8', '', {
      'Set-Cookie': `mantle_user=${as}; Path=/; Secure; SameSite=Lax`,
      Location: url.pathname + url.search,
    });
  }

  if (PAGE_ROUTES[host]?.test(url.pathname)) {
    const hostile = url.searchParams.get('hostile');
    if (hostile !== null) return serveHostile(ctx, res, `${site}.html`, hostile);
    return serveFile(ctx, res, `${site}.html`, true);
  }
  if (url.pathname === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
  return text(res, 404, `no page at ${host}${url.pathname}`);
}

async function serveFile(ctx: Ctx, res: ServerResponse, rel: string, page = false): Promise<void> {
  let decoded: string;
  try { decoded = decodeURIComponent(rel); } catch { return text(res, 400, 'bad path'); }
  const root = normalize(ctx.fixturesDir + sep);
  const file = normalize(join(root, decoded));
  if (!file.startsWith(root) || decoded.includes('\0')) return text(res, 403, 'outside the replica bundle');
  let data: Buffer;
  try {
    data = await readFile(file);
  } catch {
    if (page) return text(res, 503, `replica ${rel} is not built: run buildReplicas() (test/fixtures)`);
    return text(res, 404, `no replica file ${rel}`);
  }
  send(res, 200, TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', data);
}

// ?hostile=<flags>: the page with test/fixtures/hostile's page script loaded before the site's own.
async function serveHostile(ctx: Ctx, res: ServerResponse, rel: string, list: string): Promise<void> {
  let flags;
  try { flags = parseHostileFlags(list); } catch (err) { return text(res, 400, (err as Error).message); }
  let html: string;
  try { html = await readFile(join(ctx.fixturesDir, rel), 'utf8'); } catch {
    return text(res, 503, `replica ${rel} is not built: run buildReplicas() (test/fixtures)`);
  }
  send(res, 200, TYPES['.html']!, injectHostile(html, flags));
}
