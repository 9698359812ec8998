import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/index';
import { fetchAs } from './helpers';

let server: TestServer;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mantle-fixtures-'));
  for (const s of ['messenger', 'instagram']) writeFileSync(join(dir, `${s}.html`), `<!doctype html><title>${s}</title>`);
  writeFileSync(join(dir, 'replica.js'), 'console.log(1)');
  server = await startServer({ fixturesDir: dir });
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('routing by Host', () => {
  it('serves each site replica on its own paths', async () => {
    const cases: [string, string, string][] = [
      ['www.facebook.com', '/messages/e2ee/t/7720540997985648/', 'messenger'],
      ['www.facebook.com', '/messages/t/7720540997985648/', 'messenger'],
      ['www.messenger.com', '/t/7720540997985648/', 'messenger'],
      ['www.messenger.com', '/e2ee/t/7720540997985649', 'messenger'],
      ['www.instagram.com', '/direct/t/340282366841710301244276027867648171/', 'instagram'],
    ];
    for (const [host, path, site] of cases) {
      const r = await fetchAs(server.port, host, path);
      expect(r.status, `${host}${path}`).toBe(200);
      expect(r.text).toContain(`<title>${site}</title>`);
      expect(r.headers['content-type']).toMatch(/^text\/html/);
      expect(r.headers['cache-control']).toBe('no-store');
    }
  });

  it('says 503 with a hint when a replica is not built', async () => {
    const r = await fetchAs(server.port, 'web.whatsapp.com', '/');
    expect(r.status).toBe(503);
    expect(r.text).toContain('run buildReplicas()');
  });

  it('404s other paths, refuses unmapped hosts and paths outside the bundle', async () => {
    expect((await fetchAs(server.port, 'www.facebook.com', '/t/1/')).status).toBe(404);
    expect((await fetchAs(server.port, 'www.instagram.com', '/messages/t/1/')).status).toBe(404);
    expect((await fetchAs(server.port, 'evil.example', '/')).status).toBe(421);
    expect((await fetchAs(server.port, 'www.instagram.com', '/__replica/..%2f..%2fetc%2fpasswd')).status).toBe(403);
  });

  it('serves /__replica/ files with their content type on every site host', async () => {
    for (const host of ['web.whatsapp.com', 'www.messenger.com']) {
      const r = await fetchAs(server.port, host, '/__replica/replica.js');
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/^text\/javascript/);
      expect(r.text).toBe('console.log(1)');
    }
    expect((await fetchAs(server.port, 'web.whatsapp.com', '/__replica/nope.js')).status).toBe(404);
  });

  it('turns ?as=<user> into a cookie and a redirect without the query', async () => {
    const r = await fetchAs(server.port, 'www.instagram.com', '/direct/t/340282366841710301244276027867648171/?as=alice&x=1');
    expect(r.status).toBe(302);
    expect(r.headers.location).toBe('/direct/t/340282366841710301244276027867648171/?x=1');
    expect(r.headers['set-cookie']).toEqual(['mantle_user=alice; Path=/; Secure; SameSite=Lax']);
    expect((await fetchAs(server.port, 'web.whatsapp.com', '/?as=mallory')).status).toBe(400);
  });

  it('builds URLs, resolver rules and logs requests', () => {
    expect(server.url('messenger', undefined, 'alice'))
      .toBe('https://www.facebook.com/messages/e2ee/t/7720540997985648/?as=alice');
    expect(server.url('instagram', '340282366841710301244276027867648172'))
      .toBe('https://www.instagram.com/direct/t/340282366841710301244276027867648172/');
    expect(server.url('whatsapp', 'wa-friends', 'bob')).toBe('https://web.whatsapp.com/?as=bob');
    expect(server.hosts).toHaveLength(9);
    expect(server.resolverRules()).toContain(`MAP web.whatsapp.com 127.0.0.1:${server.port}`);
    expect(server.requests()).toContainEqual({ host: 'web.whatsapp.com', method: 'GET', path: '/' });
  });
});
