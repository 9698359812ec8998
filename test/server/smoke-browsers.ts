// Manual check that both test browsers reach the local world:
//   npx tsx test/server/smoke-browsers.ts
// Serves a stand-in Instagram page that calls the relay, a key server and an unmapped host.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import puppeteer from 'puppeteer-core';
import { startServer } from './index';

const dir = mkdtempSync(join(tmpdir(), 'mantle-smoke-'));
writeFileSync(join(dir, 'instagram.html'),
  '<!doctype html><title>ig</title><script src="/__replica/app.js"></script><div id=out>loading</div>');
writeFileSync(join(dir, 'app.js'), `addEventListener('DOMContentLoaded', async () => {
  const me = await (await fetch('/__relay/me')).json();
  const threads = await (await fetch('/__relay/threads')).json();
  const probe = (u) => fetch(u).then((r) => String(r.status), () => 'blocked');
  const vks = await probe('https://keys.openpgp.org/vks/v1/by-keyid/89ABCDEF01234567');
  const outside = await probe('https://www.google.com/');
  document.getElementById('out').textContent = [me.name, threads.map((t) => t.title).join(','),
    location.href, 'vks ' + vks, 'google ' + outside].join(' | ');
});`);

const server = await startServer({ fixturesDir: dir });
const url = server.url('instagram', undefined, 'alice');
const done = () => document.getElementById('out')?.textContent !== 'loading';

const profile = join(dir, 'chromium-profile');
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-quic',
    `--host-resolver-rules=${server.resolverRules()}`, '--ignore-certificate-errors'],
});
const page = ctx.pages()[0] ?? (await ctx.newPage());
await page.goto(url);
await page.waitForFunction(done, null, { timeout: 10_000 });
console.log('chromium:', await page.textContent('#out'));
await ctx.close();

const browser = await puppeteer.launch({
  browser: 'firefox',
  executablePath: '/usr/bin/firefox-esr',
  headless: true,
  acceptInsecureCerts: true,
  extraPrefsFirefox: {
    'network.proxy.type': 2,
    'network.proxy.autoconfig_url': server.pacUrl,
    // Not needed for this to work; keeps Firefox from going DIRECT if the proxy ever died.
    'network.proxy.failover_direct': false,
  },
});
const fp = await browser.newPage();
await fp.goto(url);
await fp.waitForFunction(done, { timeout: 10_000 });
console.log('firefox: ', await fp.$eval('#out', (e) => e.textContent));
await browser.close();

await server.close();
rmSync(dir, { recursive: true, force: true });
