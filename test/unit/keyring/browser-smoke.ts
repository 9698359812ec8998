/**
 * Runs the keyring in real Chromium and Firefox (not part of vitest): bundles
 * browser-smoke.page.ts and evaluates it on a loopback page, a secure context like an extension.
 *   npx tsx test/unit/keyring/browser-smoke.ts
 */
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';

const here = import.meta.dirname;
const bundle = await build({ entryPoints: [`${here}/browser-smoke.page.ts`], bundle: true, format: 'iife', write: false, platform: 'browser', target: 'es2022' });
const js = bundle.outputFiles[0]!.text;
const server = createServer((req, res) => {
  if (req.url === '/smoke.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
  else res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><script src="/smoke.js"></script>');
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const gpgPublic = readFileSync(`${here}/../../fixtures/keys/gpg-rsa3072.pub.asc`, 'utf8');
const expected = {
  algorithm: 'Ed25519 / Curve25519', lookupSource: 'wkd-advanced', gpg: ['RSA 3072'], unlockedAfterRestart: 1,
  roundTrip: 'hi', lockedCode: 'locked', restoredSame: true, tooLarge: 'too-large',
};
let failed = false;
const check = (name: string, got: unknown) => {
  const ok = JSON.stringify(got) === JSON.stringify(expected);
  failed ||= !ok;
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}: ${JSON.stringify(got)}`);
};
try {
  const c = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true });
  try {
    const page = await c.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'smoke' in globalThis);
    check(`chromium ${c.version()}`, await page.evaluate((k) => (globalThis as any).smoke(k), gpgPublic));
  } finally { await c.close(); }
  const f = await puppeteer.launch({ browser: 'firefox', executablePath: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr', headless: true });
  try {
    const page = await f.newPage();
    await page.goto(url);
    await page.waitForFunction(() => 'smoke' in globalThis);
    check(`firefox ${await f.version()}`, await page.evaluate((k) => (globalThis as any).smoke(k), gpgPublic));
  } finally { await f.close(); }
} finally {
  server.close();
}
process.exit(failed ? 1 : 0);
