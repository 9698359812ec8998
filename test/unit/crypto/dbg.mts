import { encryptRaw, fixtureKeys, concat } from './helpers';
const { alice, bob } = await fixtureKeys();
const { decryptMessage } = await import('../../../src/crypto');
const lit = Uint8Array.of(0xcb, 7, 0x62, 0, 0, 0, 0, 0, 0x78);
for (const n of [10000, 100000, 400000, 2000000]) {
  const pads = new Uint8Array(n * 2); for (let i = 0; i < n; i++) { pads[2 * i] = 0xd5; pads[2 * i + 1] = 0; }
  const bin = await encryptRaw(concat([lit, pads]), bob.toPublic());
  const t = performance.now(); const c = process.cpuUsage();
  const r = await decryptMessage({ data: bin, decryptionKeys: [bob], verificationKeys: [alice.toPublic()] });
  console.log(n, performance.now() - t, process.cpuUsage(c).user / 1000, r.ok);
}
