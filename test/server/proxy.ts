import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';

/**
 * PAC text: mapped hosts go through our CONNECT proxy; loopback goes direct; everything else also
 * goes to our proxy, which refuses it. A live proxy that says 403 is safer than a dead port, because
 * Firefox falls back to DIRECT when a proxy cannot be reached (network.proxy.failover_direct).
 */
export function pacScript(hosts: string[], proxyPort: number): string {
  return `// Mantle test world: never reach the internet.
// Mapped (tunnelled to the local HTTPS server): ${hosts.join(' ')}
// Any other host also goes to the proxy, which refuses it.
function FindProxyForURL(url, host) {
  host = host.toLowerCase();
  if (host === "127.0.0.1" || host === "localhost" || host === "[::1]" || host === "::1") return "DIRECT";
  return "PROXY 127.0.0.1:${proxyPort}";
}
`;
}

export interface Proxy { server: Server; port: number; close(): Promise<void> }

/** CONNECT proxy that tunnels mapped hosts (port 443) to the HTTPS server and refuses the rest. */
export async function startProxy(opts: {
  port: number; hosts: string[]; httpsPort: number; pac: () => string;
}): Promise<Proxy> {
  const mapped = new Set(opts.hosts);
  const sockets = new Set<Socket>();
  const track = (s: Socket) => { sockets.add(s); s.on('close', () => sockets.delete(s)); };

  const server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && (url === '/proxy.pac' || url.startsWith('/proxy.pac?'))) {
      res.writeHead(200, { 'Content-Type': 'application/x-ns-proxy-autoconfig', 'Cache-Control': 'no-store' });
      res.end(opts.pac());
      return;
    }
    // A plain-HTTP proxy request for a mapped host: send the browser to its HTTPS URL.
    let target: URL | undefined;
    try { target = new URL(url); } catch { /* not absolute-form */ }
    if (target && target.protocol === 'http:' && mapped.has(target.hostname)) {
      target.protocol = 'https:';
      res.writeHead(301, { Location: target.href, 'Cache-Control': 'no-store' });
      res.end();
      return;
    }
    res.writeHead(403, { 'Content-Type': 'text/plain' });
    res.end(`mantle test proxy: refused ${req.method} ${url}\n`);
  });

  server.on('connection', track);
  server.on('connect', (req, client: Socket, head: Buffer) => {
    const m = /^\[?([^\]]+?)\]?:(\d+)$/.exec(req.url ?? '');
    const host = m?.[1]?.toLowerCase();
    if (!host || m?.[2] !== '443' || !mapped.has(host)) {
      client.end(`HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      return;
    }
    const upstream = connect(opts.httpsPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    track(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, '127.0.0.1', () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  return {
    server,
    port,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
