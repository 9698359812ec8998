import { request } from 'node:http';
import type { Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/index';
import { fetchAs } from './helpers';

let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(() => server.close());

function connectVia(target: string): Promise<{ status: number; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.proxyPort, method: 'CONNECT', path: target });
    req.on('connect', (res, socket) => resolve({ status: res.statusCode ?? 0, socket }));
    req.on('error', reject);
    req.end();
  });
}

function plainGet(path: string): Promise<{ status: number; type?: string; location?: string; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port: server.proxyPort, path }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => { body += c; });
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, type: res.headers['content-type'], location: res.headers.location, body }));
    }).on('error', reject).end();
  });
}

describe('CONNECT proxy', () => {
  it('tunnels a mapped host to the HTTPS server, whose certificate names it', async () => {
    const { status, socket } = await connectVia('www.instagram.com:443');
    expect(status).toBe(200);
    const tls = tlsConnect({ socket, servername: 'www.instagram.com', rejectUnauthorized: false });
    await new Promise((r) => tls.once('secureConnect', r));
    const alt = tls.getPeerCertificate().subjectaltname ?? '';
    for (const h of server.hosts) expect(alt).toContain(`DNS:${h}`);
    const r = await fetchAs(server.port, 'www.instagram.com', '/__relay/me', { socket: tls, cookie: 'mantle_user=bob' });
    expect(JSON.parse(r.text)).toEqual({ id: 'bob', name: 'Bob Jones' });
    expect(server.requests().at(-1)).toEqual({ host: 'www.instagram.com', method: 'GET', path: '/__relay/me' });
  });

  it('refuses unmapped hosts, other ports and plain proxying', async () => {
    const bad = await connectVia('www.google.com:443');
    expect(bad.status).toBe(403);
    bad.socket.destroy();
    const port80 = await connectVia('www.facebook.com:80');
    expect(port80.status).toBe(403);
    port80.socket.destroy();
    expect((await plainGet('http://detectportal.firefox.com/success.txt')).status).toBe(403);
    const up = await plainGet('http://web.whatsapp.com/');
    expect(up).toMatchObject({ status: 301, location: 'https://web.whatsapp.com/' });
  });

  it('serves a PAC file that sends every non-loopback host to the proxy', async () => {
    expect(server.pacUrl).toBe(`http://127.0.0.1:${server.proxyPort}/proxy.pac`);
    const pac = await plainGet('/proxy.pac');
    expect(pac.status).toBe(200);
    expect(pac.type).toBe('application/x-ns-proxy-autoconfig');
    expect(pac.body).toBe(server.pacScript());
    const find = new Function(`${pac.body}; return FindProxyForURL;`)() as (u: string, h: string) => string;
    const proxy = `PROXY 127.0.0.1:${server.proxyPort}`;
    expect(find('https://www.facebook.com/messages/', 'www.facebook.com')).toBe(proxy);
    expect(find('https://openpgpkey.direct.example/', 'openpgpkey.direct.example')).toBe(proxy);
    expect(find('https://www.google.com/', 'www.google.com')).toBe(proxy);
    expect(find('http://127.0.0.1:9/', '127.0.0.1')).toBe('DIRECT');
  });
});
