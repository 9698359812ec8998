import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer, wkdHash, type TestServer } from '../../server/index';
import { fetchAs } from './helpers';

let server: TestServer;
beforeAll(async () => { server = await startServer(); });
afterAll(() => server.close());

const FPR = '0123456789ABCDEF0123456789ABCDEF01234567';
const KEY = {
  armored: '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ\n-----END PGP PUBLIC KEY BLOCK-----\n',
  binary: new Uint8Array([0xc6, 0x33, 0x04, 1, 2, 3]),
  fingerprint: FPR.toLowerCase(),
  keyId: '89ABCDEF01234567',
  emails: ['Joe.Doe@example.org', 'joe@direct.example'],
};
beforeEach(() => { server.keys.reset(); server.keys.publish(KEY); });

const get = (host: string, path: string) => fetchAs(server.port, host, path);

describe('key directory', () => {
  it('hashes WKD local parts with z-base-32 of SHA-1', () => {
    expect(wkdHash('joe.doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
    expect(wkdHash('Joe.Doe')).toBe('iy9q119eutrkn8s1mk4r39qejnbu3n5q');
  });

  it('answers VKS lookups by fingerprint, key id and email, with CORS', async () => {
    for (const path of [`/vks/v1/by-fingerprint/${FPR}`, '/vks/v1/by-keyid/89ABCDEF01234567',
      '/vks/v1/by-email/joe.doe%40example.org']) {
      const r = await get('keys.openpgp.org', path);
      expect(r.status, path).toBe(200);
      expect(r.text).toBe(KEY.armored);
      expect(r.headers['access-control-allow-origin']).toBe('*');
      expect(r.headers['cache-control']).toBe('no-store');
    }
    expect((await get('keys.openpgp.org', '/vks/v1/by-email/nobody%40example.org')).status).toBe(404);
    expect((await get('keys.openpgp.org', '/vks/v1/by-keyid/0000000000000000')).status).toBe(404);
    expect((await get('keys.openpgp.org', `/vks/v1/by-fingerprint/${FPR.toLowerCase()}`)).status).toBe(400);
    const pre = await fetchAs(server.port, 'keys.openpgp.org', '/vks/v1/by-keyid/89ABCDEF01234567', { method: 'OPTIONS' });
    expect(pre.status).toBe(204);
    expect(pre.headers['access-control-allow-origin']).toBe('*');
  });

  it('answers WKD advanced and direct lookups with the binary key', async () => {
    const hu = 'iy9q119eutrkn8s1mk4r39qejnbu3n5q';
    const adv = await get('openpgpkey.example.org', `/.well-known/openpgpkey/example.org/hu/${hu}?l=joe.doe`);
    expect(adv.status).toBe(200);
    expect(adv.headers['content-type']).toBe('application/octet-stream');
    expect(adv.headers['access-control-allow-origin']).toBe('*');
    expect(new Uint8Array(adv.body)).toEqual(KEY.binary);
    expect((await get('openpgpkey.example.org', '/.well-known/openpgpkey/example.org/policy')).status).toBe(200);
    const direct = await get('example.org', `/.well-known/openpgpkey/hu/${hu}?l=joe.doe`);
    expect(new Uint8Array(direct.body)).toEqual(KEY.binary);
    expect((await get('example.org', '/.well-known/openpgpkey/policy')).status).toBe(200);
    // the hash must be for this domain's addresses
    expect((await get('direct.example', `/.well-known/openpgpkey/hu/${hu}`)).status).toBe(404);
    expect((await get('example.org', `/.well-known/openpgpkey/hu/${wkdHash('nobody')}`)).status).toBe(404);
  });

  it('offers only the direct method for direct.example', async () => {
    const hu = wkdHash('joe');
    expect((await get('openpgpkey.direct.example', `/.well-known/openpgpkey/direct.example/hu/${hu}?l=joe`)).status).toBe(404);
    expect((await get('openpgpkey.direct.example', '/.well-known/openpgpkey/direct.example/policy')).status).toBe(404);
    const r = await get('direct.example', `/.well-known/openpgpkey/hu/${hu}?l=joe`);
    expect(r.status).toBe(200);
    expect(new Uint8Array(r.body)).toEqual(KEY.binary);
    expect(server.requests()).toContainEqual({ host: 'direct.example', method: 'GET', path: `/.well-known/openpgpkey/hu/${hu}?l=joe` });
    server.keys.reset();
    expect((await get('direct.example', `/.well-known/openpgpkey/hu/${hu}?l=joe`)).status).toBe(404);
  });
});
