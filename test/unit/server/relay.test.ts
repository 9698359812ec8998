import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../../server/index';
import { fetchAs } from './helpers';

let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(() => server.close());
beforeEach(() => server.relay.reset());

const MSG_1 = '7720540997985648';
const MSG_G = '7720540997985649';
const IG_G = '340282366841710301244276027867648172';
const as = (user: string) => `mantle_user=${user}`;
const get = async (host: string, path: string, user?: string) => {
  const r = await fetchAs(server.port, host, path, user ? { cookie: as(user) } : {});
  return { status: r.status, json: r.status < 500 ? JSON.parse(r.text) : r.text, headers: r.headers };
};
const post = async (host: string, thread: string, user: string, body: unknown) => {
  const r = await fetchAs(server.port, host, `/__relay/threads/${thread}/messages`, {
    method: 'POST', cookie: as(user), body: JSON.stringify(body), headers: { 'content-type': 'application/json' },
  });
  return { status: r.status, json: JSON.parse(r.text) };
};

describe('relay', () => {
  it('knows who is asking, and refuses without the cookie', async () => {
    expect(await get('www.facebook.com', '/__relay/me', 'carol')).toMatchObject({ status: 200, json: { id: 'carol', name: 'Carol White' } });
    expect((await get('www.facebook.com', '/__relay/me')).status).toBe(401);
    expect((await get('www.instagram.com', '/__relay/threads')).status).toBe(401);
  });

  it('titles threads per viewer and lists only the viewer\'s threads', async () => {
    const alice = (await get('web.whatsapp.com', '/__relay/threads', 'alice')).json;
    expect(alice.map((t: { title: string }) => t.title)).toEqual(['Bob Jones', 'Mantle Friends']);
    const bob = (await get('www.messenger.com', '/__relay/threads', 'bob')).json;
    expect(bob[0]).toEqual({ id: MSG_1, title: 'Alice Smith', participants: [
      { id: 'alice', name: 'Alice Smith' }, { id: 'bob', name: 'Bob Jones' }] });
    const carol = (await get('www.instagram.com', '/__relay/threads', 'carol')).json;
    expect(carol).toHaveLength(1);
    expect(carol[0]).toMatchObject({ id: IG_G, title: 'Mantle Friends' });
    expect((await get('www.instagram.com', `/__relay/threads/340282366841710301244276027867648171`, 'carol')).status).toBe(404);
    expect(server.relay.threads('whatsapp', 'bob').map((t) => t.title)).toEqual(['Alice Smith', 'Mantle Friends']);
  });

  it('stores posts exactly and reads them back with ?after', async () => {
    const text = '-----BEGIN MANTLE-----\n  wcBMA+/=  *_~` \u{1F600}\n';
    const p1 = await post('www.facebook.com', MSG_G, 'alice', { text });
    expect(p1.status).toBe(200);
    expect(p1.json).toMatchObject({ seq: 1, from: 'alice', fromName: 'Alice Smith', text });
    expect(p1.json.id).toMatch(/^mid\.\$gAA[A-Za-z0-9]+$/);
    // facebook.com and messenger.com share one Messenger store
    const p2 = await post('www.messenger.com', MSG_G, 'carol', { text: 'two' });
    expect(p2.json.seq).toBe(2);
    const all = (await get('www.facebook.com', `/__relay/threads/${MSG_G}`, 'bob')).json;
    expect(all.thread).toMatchObject({ id: MSG_G, title: 'Mantle Friends' });
    expect(all.messages.map((m: { text: string }) => m.text)).toEqual([text, 'two']);
    const after = (await get('www.facebook.com', `/__relay/threads/${MSG_G}?after=1`, 'bob')).json;
    expect(after.messages).toEqual([p2.json]);
    expect(server.relay.stored({ site: 'messenger' }).map((m) => m.text)).toEqual([text, 'two']);
    expect(server.relay.stored({ site: 'instagram' })).toEqual([]);
    expect(server.relay.stored()[0]).toMatchObject({ site: 'messenger', thread: MSG_G, seq: 1, text });
  });

  it('rejects bad bodies, strangers and oversized posts', async () => {
    expect((await post('www.instagram.com', IG_G, 'alice', { nope: 1 })).status).toBe(400);
    expect((await post('www.instagram.com', '340282366841710301244276027867648171', 'carol', { text: 'x' })).status).toBe(404);
    const big = await fetchAs(server.port, 'www.instagram.com', `/__relay/threads/${IG_G}/messages`, {
      method: 'POST', cookie: as('alice'), body: JSON.stringify({ text: 'a'.repeat(12 * 1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    expect(server.relay.stored()).toEqual([]);
  });

  it('injects messages as if a user sent them, with site-shaped ids, and resets', async () => {
    const ig = server.relay.inject('instagram', IG_G, 'carol', 'hi from carol');
    expect(ig).toMatchObject({ site: 'instagram', thread: IG_G, seq: 1, from: 'carol', fromName: 'Carol White' });
    expect(ig.id).toMatch(/^mid\.\$cAA/);
    const wa = server.relay.inject('whatsapp', 'wa-alice-bob', 'bob', 'hi');
    expect(wa.id).toMatch(/^[0-9A-F]{20}$/);
    const seen = (await get('www.instagram.com', `/__relay/threads/${IG_G}?after=0`, 'alice')).json;
    expect(seen.messages[0]).toMatchObject({ id: ig.id, text: 'hi from carol', from: 'carol' });
    expect(() => server.relay.inject('whatsapp', 'wa-alice-bob', 'carol', 'x')).toThrow();
    expect(() => server.relay.inject('messenger', 'nope', 'alice', 'x')).toThrow();
    server.relay.reset();
    expect(server.relay.stored()).toEqual([]);
    expect(server.relay.inject('instagram', IG_G, 'bob', 'again').seq).toBe(1);
  });
});
