/**
 * Firefox ESR through puppeteer-core over WebDriver BiDi, with the build installed as a temporary
 * add-on. The sites are reached through the test server's CONNECT proxy (PAC), never the network.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { processesUsing } from '../procs';
import { PpTab, type Tab } from '../tab';
import type { BrowserSession, LaunchOptions } from './session';

export const GECKO_ID = 'mantle@mantle-extension';
/** Fixed so extension URLs are the same in every run and every profile. */
export const FIREFOX_UUID = '6d1e5c7a-2f4b-4e8a-9c3d-0a1b2c3d4e5f';

const PREFS: Record<string, unknown> = {
  'network.proxy.type': 2,
  // A proxy that cannot be reached must not mean "go direct".
  'network.proxy.failover_direct': false,
  'extensions.webextensions.uuids': JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
  // MV3 host permissions are optional in Firefox; grant them at install like a user accepting the prompt.
  'extensions.originControls.grantByDefault': true,
  // Nothing may try the internet: DoH, captive portal, connectivity and OCSP probes, telemetry.
  'network.trr.mode': 5,
  'network.captive-portal-service.enabled': false,
  'network.connectivity-service.enabled': false,
  'security.OCSP.enabled': 0,
  'toolkit.telemetry.enabled': false,
  'browser.region.network.url': '',
  'extensions.blocklist.enabled': false,
  'dom.security.https_only_mode': false,
  // The add-on is temporary, so a restart reinstalls it: keep its storage and origin meanwhile,
  // as a permanently installed add-on keeps them.
  'extensions.webextensions.keepStorageOnUninstall': true,
  'extensions.webextensions.keepUuidOnUninstall': true,
};

export async function launchFirefox(opts: LaunchOptions): Promise<FirefoxSession> {
  // Our own profile directory (puppeteer's would be deleted on close): restart() reuses it.
  const profile = await mkdtemp(join(tmpdir(), 'mantle-e2e-firefox-'));
  try {
    return new FirefoxSession(await start(profile, opts), `moz-extension://${FIREFOX_UUID}`, profile, opts);
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

async function start(profile: string, opts: LaunchOptions): Promise<Browser> {
  const browser = await puppeteer.launch({
    browser: 'firefox',
    executablePath: opts.executablePath,
    headless: !opts.headed,
    userDataDir: profile,
    acceptInsecureCerts: true,
    // Lets BiDi drive moz-extension:// documents (options page, popup, frames).
    args: ['--remote-allow-system-access'],
    defaultViewport: { width: 1280, height: 800 },
    extraPrefsFirefox: { ...PREFS, 'network.proxy.autoconfig_url': opts.pacUrl },
  });
  try {
    const id = await browser.installExtension(opts.extensionDir);
    if (id !== GECKO_ID) throw new Error(`installed add-on id is ${id}, expected ${GECKO_ID} (browser_specific_settings.gecko.id)`);
  } catch (err) {
    await browser.close();
    throw err;
  }
  return browser;
}

export class FirefoxSession implements BrowserSession {
  readonly browser = 'firefox' as const;
  constructor(public driver: Browser, readonly extensionOrigin: string, readonly profile: string, private readonly opts: LaunchOptions) {}

  /** Quits the browser and starts it again on the same profile, as a user restarting it. */
  async restart(): Promise<void> {
    await this.driver.close();
    this.driver = await start(this.profile, this.opts);
  }

  async newTab(): Promise<Tab> {
    const pages = await this.driver.pages();
    const blank = pages.find((p) => p.url() === 'about:blank' && !usedPages.has(p));
    const page = blank ?? (await this.driver.newPage());
    usedPages.add(page);
    return new PpTab(page);
  }

  async extensionPage(path: string): Promise<Tab> {
    const tab = await this.newTab();
    // BiDi never reports these navigations as finished: wait for the document instead.
    const url = `${this.extensionOrigin}/${path.replace(/^\//, '')}`;
    await tab.goto(url, { wait: false });
    const deadline = Date.now() + 15_000;
    for (;;) {
      const ready = await tab
        .evaluate((u) => location.href.startsWith(u) && document.readyState !== 'loading' && !!document.body, url)
        .catch(() => false);
      if (ready) break;
      if (Date.now() > deadline) throw new Error(`${url} did not load`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return tab;
  }

  /**
   * Runs `expression` in the browser's privileged (chrome) scope, as about:debugging does; needs
   * --remote-allow-system-access. Puppeteer has no API for this scope, so this speaks raw BiDi.
   */
  private async privileged(expression: string): Promise<unknown> {
    const conn = (this.driver as unknown as { connection: BidiConnection }).connection;
    const tree = await conn.send('browsingContext.getTree', { 'moz:scope': 'chrome' });
    const context = tree.result.contexts[0]?.context;
    if (!context) throw new Error('no privileged browsing context (is --remote-allow-system-access set?)');
    const r = await conn.send('script.evaluate', { expression, target: { context }, awaitPromise: true });
    if (r.result.type !== 'success') throw new Error(`privileged evaluation failed: ${JSON.stringify(r.result)}`);
    return r.result.result?.value;
  }

  /** The event page's state as Firefox tracks it: "running", "stopped", "starting", … */
  async backgroundState(): Promise<string> {
    return String(await this.privileged(`WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension.backgroundState`));
  }

  async backgroundAlive(): Promise<boolean> {
    return (await this.backgroundState()) === 'running';
  }

  /** Suspends the event page, as the "Terminate background script" button of about:debugging. */
  async stopBackground(): Promise<void> {
    // A background that is still starting (woken by the previous step) cannot be terminated yet.
    for (let i = 0; i < 100 && (await this.backgroundState()) === 'starting'; i++) await new Promise((r) => setTimeout(r, 100));
    await this.privileged(
      `WebExtensionPolicy.getByID(${JSON.stringify(GECKO_ID)}).extension.terminateBackground({ disableResetIdleForTest: true })`,
    );
    const state = await this.backgroundState();
    if (state !== 'stopped') throw new Error(`the background page did not stop (state: ${state})`);
  }

  pids(): number[] {
    const pid = this.driver.process()?.pid;
    const byProfile = processesUsing(this.profile);
    return [...new Set([...(pid ? [pid] : []), ...byProfile])];
  }

  async close(): Promise<void> {
    await this.driver.close().catch(() => {});
    await rm(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

const usedPages = new WeakSet<object>();

interface BidiConnection {
  send(method: 'browsingContext.getTree', params: object): Promise<{ result: { contexts: { context: string }[] } }>;
  send(method: 'script.evaluate', params: object): Promise<{ result: { type: string; result?: { value?: unknown } } }>;
}
