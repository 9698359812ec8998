import * as openpgp from 'openpgp';
import { beforeAll, describe, expect, it } from 'vitest';
import { wkdUrls, zbase32 } from '../../../src/keyring';
import { parseQuery } from '../../../src/keyring/lookup';
import { KeyDirectory } from '../../server/keys';
import { harness } from './helpers';

/** A fetch that answers like the test server's key directory; every other host is unreachable. */
function fakeFetch(dir: KeyDirectory, log: string[], down = new Set<string>()): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    log.push(url.host + url.pathname + url.search);
    expect(init?.signal).toBeInstanceOf(AbortSignal);
    const reply = down.has(url.host) ? undefined : dir.handle(url.host, url.pathname);
    if (!reply) throw new TypeError('fetch failed');
    return new Response(reply.body as BodyInit, { status: reply.status, headers: { 'content-type': reply.type } });
  }) as typeof fetch;
}

const publish = async (dir: KeyDirectory, k: openpgp.PublicKey, emails: string[]) => dir.publish({
  armored: k.armor(), binary: k.write(), fingerprint: k.getFingerprint(), keyId: k.getKeyID().toHex(), emails,
});

let joe: openpgp.PublicKey;
let dan: openpgp.PublicKey;
let vksOnly: openpgp.PublicKey;
const dir = new KeyDirectory();
beforeAll(async () => {
  const gen = async (email: string) => (await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: email, email }], format: 'object' })).publicKey;
  [joe, dan, vksOnly] = await Promise.all([gen('Joe.Doe@example.org'), gen('dan@direct.example'), gen('vks@elsewhere.example')]);
  await publish(dir, joe, ['joe.doe@example.org']);
  await publish(dir, dan, ['dan@direct.example']);
  await publish(dir, vksOnly, ['vks@elsewhere.example']);
});

describe('lookup', () => {
  it('hashes local parts as WKD does', async () => {
    expect(zbase32(new Uint8Array([0xf0, 0xbf, 0xc7]))).toBe('6n9hq');
    const { advanced, direct } = await wkdUrls('Joe.Doe@Example.ORG');
    expect(advanced).toBe('https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
    expect(direct).toBe('https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe');
  });

  it('finds a key by WKD advanced method first, and imports nothing', async () => {
    const log: string[] = [];
    const h = harness({ fetch: fakeFetch(dir, log) });
    const [r, ...rest] = await h.kr.lookup('joe.doe@example.org');
    expect(rest).toEqual([]);
    expect(r).toMatchObject({ source: 'wkd-advanced', known: false, key: { fingerprint: joe.getFingerprint().toUpperCase(), own: false } });
    expect(log).toEqual(['openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=joe.doe']);
    expect(await h.kr.list()).toEqual([]);
    await h.kr.importPublic(r!.armored);
    expect((await h.kr.lookup('joe.doe@example.org'))[0]!.known).toBe(true);
  });

  it('falls back to the direct method, then to keys.openpgp.org', async () => {
    const log: string[] = [];
    const h = harness({ fetch: fakeFetch(dir, log) });
    expect((await h.kr.lookup('dan@direct.example'))[0]!.source).toBe('wkd-direct');
    expect(log.map((l) => l.split('/')[0])).toEqual(['openpgpkey.direct.example', 'direct.example']);
    log.length = 0;
    const [v] = await h.kr.lookup('vks@elsewhere.example');
    expect(v).toMatchObject({ source: 'vks', key: { email: 'vks@elsewhere.example' } });
    expect(log.at(-1)).toBe('keys.openpgp.org/vks/v1/by-email/vks%40elsewhere.example');
  });

  it('looks up fingerprints and key IDs on keys.openpgp.org, in the accepted format', async () => {
    const log: string[] = [];
    const h = harness({ fetch: fakeFetch(dir, log) });
    const fpr = joe.getFingerprint();
    expect((await h.kr.lookup(`0x${fpr.toLowerCase().replace(/(.{4})/g, '$1 ')}`))[0]!.source).toBe('vks');
    expect((await h.kr.lookup(joe.getKeyID().toHex()))[0]!.key.fingerprint).toBe(fpr.toUpperCase());
    expect(log).toEqual([`keys.openpgp.org/vks/v1/by-fingerprint/${fpr.toUpperCase()}`, `keys.openpgp.org/vks/v1/by-keyid/${joe.getKeyID().toHex().toUpperCase()}`]);
    expect(await h.kr.lookup('AB'.repeat(20))).toEqual([]);
  });

  it('reports unknown addresses, bad queries and unreachable servers distinctly', async () => {
    const h = harness({ fetch: fakeFetch(dir, []) });
    expect(await h.kr.lookup('nobody@example.org')).toEqual([]);
    for (const q of ['', 'hello', 'ABCDEF', '@example.org']) await expect(h.kr.lookup(q)).rejects.toMatchObject({ code: 'bad-query' });
    expect(parseQuery(' Someone@Example.org ')).toEqual({ kind: 'email', email: 'Someone@Example.org' });
    const offline = harness({ fetch: fakeFetch(dir, [], new Set(['openpgpkey.example.org', 'example.org', 'keys.openpgp.org'])) });
    await expect(offline.kr.lookup('joe.doe@example.org')).rejects.toMatchObject({ code: 'network' });
    // WKD down but keys.openpgp.org up: still found.
    const partly = harness({ fetch: fakeFetch(dir, [], new Set(['openpgpkey.example.org', 'example.org'])) });
    expect((await partly.kr.lookup('joe.doe@example.org'))[0]!.source).toBe('vks');
  });

  it('times out a server that never answers', async () => {
    const hang = ((_: unknown, init?: RequestInit) => new Promise((_r, reject) => {
      init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
    })) as typeof fetch;
    const h = harness({ fetch: hang, lookupTimeoutMs: 50 });
    const t = performance.now();
    await expect(h.kr.lookup('joe.doe@example.org')).rejects.toMatchObject({ code: 'network' });
    expect(performance.now() - t).toBeLessThan(5000); // the 50 ms timeout fired, not vitest's
  });
});
