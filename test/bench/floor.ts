/**
 * The floor: raw openpgp.js doing the same work in an extension page of the same browser. The
 * library (the same node_modules build Vite bundles) is evaluated into Mantle's options page over
 * CDP, which the page's CSP does not govern; nothing in the product is involved or changed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { User } from '../e2e/harness';
import { chromium, PASS, type Person } from './world';

// The package's exports map hides dist/; read the file the browser build ships.
const OPENPGP = readFileSync(resolve(import.meta.dirname, '../../node_modules/openpgp/dist/openpgp.min.js'), 'utf8');

export interface Floor {
  /** ms per message, in order. */
  encrypt(texts: string[]): Promise<number[]>;
  decrypt(binaries: Uint8Array[]): Promise<{ each: number[]; total: number; verified: number }>;
  close(): Promise<void>;
}

type OpenPgp = typeof import('openpgp');

export async function floor(alice: User, me: Person, bob: Person): Promise<Floor> {
  const session = chromium(alice);
  const page: Page = await session.context.newPage();
  await page.goto(`${session.extensionOrigin}/options/index.html`);
  const cdp = await session.context.newCDPSession(page);
  const loaded = await cdp.send('Runtime.evaluate', { expression: `${OPENPGP};\nglobalThis.__openpgp = openpgp; typeof openpgp.encrypt` });
  if (loaded.result.value !== 'function') throw new Error(`bench: openpgp did not load in the extension page: ${JSON.stringify(loaded.exceptionDetails ?? loaded.result)}`);
  await page.evaluate(async ([mine, theirs, pass]) => {
    const openpgp = (globalThis as unknown as { __openpgp: OpenPgp }).__openpgp;
    const priv = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey: mine.priv }), passphrase: pass });
    const keys = { priv, me: await openpgp.readKey({ armoredKey: mine.pub }), bob: await openpgp.readKey({ armoredKey: theirs }) };
    (globalThis as unknown as { __keys: typeof keys }).__keys = keys;
  }, [{ priv: me.armoredPriv, pub: me.armoredPub }, bob.armoredPub, PASS] as const);

  return {
    encrypt: (texts) => page.evaluate(async (list) => {
      const g = globalThis as unknown as { __openpgp: OpenPgp; __keys: { priv: import('openpgp').PrivateKey; me: import('openpgp').Key; bob: import('openpgp').Key } };
      const { __openpgp: openpgp, __keys: k } = g;
      const out: number[] = [];
      for (const text of list) {
        const t0 = performance.now();
        const message = await openpgp.createMessage({ text });
        await openpgp.encrypt({ message, encryptionKeys: [k.bob, k.me], signingKeys: k.priv, format: 'binary', config: { nonDeterministicSignaturesViaNotation: false } });
        out.push(performance.now() - t0);
      }
      return out;
    }, texts),
    decrypt: async (binaries) => {
      const b64 = binaries.map((b) => Buffer.from(b).toString('base64'));
      return page.evaluate(async (list) => {
        const g = globalThis as unknown as { __openpgp: OpenPgp; __keys: { priv: import('openpgp').PrivateKey; me: import('openpgp').Key; bob: import('openpgp').Key } };
        const { __openpgp: openpgp, __keys: k } = g;
        const bytes = list.map((s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0)));
        const each: number[] = [];
        let verified = 0;
        const start = performance.now();
        for (const binaryMessage of bytes) {
          const t0 = performance.now();
          const message = await openpgp.readMessage({ binaryMessage });
          const { signatures } = await openpgp.decrypt({ message, decryptionKeys: k.priv, verificationKeys: [k.me, k.bob] });
          if (await signatures[0]?.verified.catch(() => false)) verified++;
          each.push(performance.now() - t0);
        }
        return { each, total: performance.now() - start, verified };
      }, b64);
    },
    close: () => page.close(),
  };
}
