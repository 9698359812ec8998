/** Bundled into a page by browser-smoke.ts: runs the keyring in a real browser engine. */
import * as openpgp from 'openpgp';
import { Keyring, type Area } from '../../../src/keyring';

class Mem implements Area {
  private data = new Map<string, unknown>();
  async get(k: string) { return structuredClone(this.data.get(k)); }
  async set(k: string, v: unknown) { this.data.set(k, structuredClone(v)); }
  async remove(k: string) { this.data.delete(k); }
}

async function run(gpgPublic: string): Promise<Record<string, unknown>> {
  const local = new Mem();
  const session = new Mem();
  const out: Record<string, unknown> = {};
  const contact = await openpgp.generateKey({ type: 'ecc', curve: 'curve25519Legacy', userIDs: [{ name: 'Joe', email: 'joe.doe@example.org' }], format: 'object' });
  const seen: string[] = [];
  // Serves the WKD advanced URL only; a real fetch would leave the machine.
  const fetchFn = (async (url: string) => {
    seen.push(String(url));
    if (String(url).startsWith('https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q')) {
      return new Response(new Uint8Array(contact.publicKey.write()), { status: 200 });
    }
    return new Response('', { status: 404 });
  }) as typeof fetch;
  const kr = new Keyring({ local, session, fetch: fetchFn });
  const me = await kr.generate({ name: 'Me', email: 'me@example.org', passphrase: 'pw' });
  out.algorithm = me.algorithm;
  const [found] = await kr.lookup('Joe.Doe@example.org');
  out.lookupSource = found?.source;
  await kr.importPublic(found!.armored);
  out.gpg = (await kr.importPublic(gpgPublic)).imported.map((k) => k.algorithm);
  const restarted = new Keyring({ local, session, fetch: fetchFn });
  out.unlockedAfterRestart = (await restarted.unlocked()).length;
  const enc = await openpgp.encrypt({
    message: await openpgp.createMessage({ text: 'hi' }),
    encryptionKeys: await restarted.encryptionKeys([me.fingerprint, found!.key.fingerprint]),
    signingKeys: await restarted.signingKey(),
  });
  const dec = await openpgp.decrypt({ message: await openpgp.readMessage({ armoredMessage: enc as string }), decryptionKeys: await restarted.decryptionKeys(), verificationKeys: await restarted.verificationKeys(), expectSigned: true });
  out.roundTrip = dec.data;
  await restarted.lock();
  out.lockedCode = await restarted.signingKey().then(() => 'none', (e: { code?: string }) => e.code);
  await restarted.unlock(me.fingerprint, 'pw');
  const backup = await restarted.backup();
  const other = new Keyring({ local: new Mem(), session: new Mem() });
  await other.restore(backup);
  out.restoredSame = (await other.backup()).replace(/"created": "[^"]*"/, '') === backup.replace(/"created": "[^"]*"/, '');
  out.tooLarge = await kr.importPublic('x'.repeat(5 << 20)).then(() => 'none', (e: { code?: string }) => e.code);
  return out;
}

(globalThis as unknown as { smoke: typeof run }).smoke = run;
