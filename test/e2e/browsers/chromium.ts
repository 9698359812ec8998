/**
 * Chromium (Debian's /usr/bin/chromium) through playwright-core, with the unpacked MV3 build
 * loaded into a throwaway persistent profile.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type CDPSession } from 'playwright-core';
import { killAll, processesUsing } from '../procs';
import { PwTab, type Tab } from '../tab';
import type { BrowserSession, LaunchOptions } from './session';

export async function launchChromium(opts: LaunchOptions): Promise<ChromiumSession> {
  const profile = await mkdtemp(join(tmpdir(), 'mantle-e2e-chromium-'));
  // Developer mode, as for anyone who loads an unpacked extension: without it Chromium disables
  // the extension when it reloads ("unsupported developer extension").
  await mkdir(join(profile, 'Default'), { recursive: true });
  await writeFile(join(profile, 'Default', 'Preferences'), JSON.stringify({ extensions: { ui: { developer_mode: true } } }));
  try {
    const { context, sw, origin } = await start(profile, opts);
    return new ChromiumSession(context, profile, origin, sw, opts);
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
}

/** Starts Chromium on `profile` and waits for the extension's worker. */
async function start(profile: string, opts: LaunchOptions): Promise<{ context: BrowserContext; sw: SwWatch; origin: string }> {
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: opts.executablePath,
    headless: !opts.headed,
    // Playwright passes --disable-extensions by default, which would defeat the point.
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      ...(opts.headed ? [] : ['--headless=new']),
      `--disable-extensions-except=${opts.extensionDir}`,
      `--load-extension=${opts.extensionDir}`,
      `--host-resolver-rules=${opts.resolverRules}`,
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
    viewport: { width: 1280, height: 800 },
  });
  try {
    const sw = await watchServiceWorkers(context);
    // Playwright's "serviceworker" event can miss an extension worker that started early;
    // DevTools' registry cannot. Wait until ours runs, so every test starts from a ready extension.
    const ours = await until(20_000, () => [...sw.versions.values()].find((v) => isExtensionWorker(v) && v.runningStatus === 'running'));
    if (!ours) {
      throw new Error('The extension did not start a service worker: is the build an MV3 extension with a background.service_worker?');
    }
    // Node gives non-special schemes an opaque ("null") origin: build it from the host.
    return { context, sw, origin: `chrome-extension://${new URL(ours.scriptURL).host}` };
  } catch (err) {
    await context.close().catch(() => {});
    throw err;
  }
}

const isExtensionWorker = (v: SwVersion) => v.scriptURL.startsWith('chrome-extension://') && v.status !== 'redundant';

async function until<T>(timeout: number, check: () => T | undefined): Promise<T | undefined> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = check();
    if (v !== undefined || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface SwWatch { cdp: CDPSession; versions: Map<string, SwVersion>; stops: number }

/**
 * Service-worker state as DevTools sees it, through a session on a blank tab kept for the purpose.
 * Playwright's own Worker objects linger after a worker stops, so they cannot say if it runs.
 */
async function watchServiceWorkers(context: BrowserContext): Promise<SwWatch> {
  const page = await context.newPage();
  usedPages.add(page);
  const cdp = await context.newCDPSession(page);
  const versions = new Map<string, SwVersion>();
  const watch: SwWatch = { cdp, versions, stops: 0 };
  cdp.on('ServiceWorker.workerVersionUpdated', (e) => {
    for (const v of e.versions) {
      if (v.runningStatus === 'stopped' && versions.get(v.versionId)?.runningStatus !== 'stopped') watch.stops++;
      versions.set(v.versionId, v);
    }
  });
  await cdp.send('ServiceWorker.enable');
  return watch;
}

export class ChromiumSession implements BrowserSession {
  readonly browser = 'chromium' as const;
  constructor(
    public context: BrowserContext,
    readonly profile: string,
    readonly extensionOrigin: string,
    private sw: SwWatch,
    private readonly opts: LaunchOptions,
  ) {}

  /** Quits the browser and starts it again on the same profile, as a user restarting it. */
  async restart(): Promise<void> {
    await this.context.close();
    killAll(this.pids());
    const { context, sw } = await start(this.profile, this.opts);
    this.context = context;
    this.sw = sw;
  }

  async newTab(): Promise<Tab> {
    // A persistent context starts with one blank page: use it first.
    const blank = this.context.pages().find((p) => p.url() === 'about:blank' && !usedPages.has(p));
    const page = blank ?? (await this.context.newPage());
    usedPages.add(page);
    return new PwTab(page);
  }

  async extensionPage(path: string): Promise<Tab> {
    const tab = await this.newTab();
    await tab.goto(`${this.extensionOrigin}/${path.replace(/^\//, '')}`);
    await tab.waitFor('body', { visible: false });
    return tab;
  }

  /** Our extension's worker versions and their running status ("running", "stopped", …). */
  async serviceWorkers(): Promise<SwVersion[]> {
    await new Promise((r) => setTimeout(r, 50)); // let pending status events land
    const { versions } = this.sw;
    return [...versions.values()].filter((v) => v.scriptURL.startsWith(this.extensionOrigin) && v.status !== 'redundant');
  }

  async backgroundAlive(): Promise<boolean> {
    return (await this.serviceWorkers()).some((v) => v.runningStatus === 'running');
  }

  /** Stops the extension's service worker, as the "Stop" button of chrome://serviceworker-internals. */
  async stopServiceWorker(): Promise<void> {
    const { cdp } = this.sw;
    const before = this.sw.stops;
    const running = (await this.serviceWorkers()).filter((v) => v.runningStatus !== 'stopped');
    for (const v of running) await cdp.send('ServiceWorker.stopWorker', { versionId: v.versionId });
    // A busy extension (frames asking) starts its worker again at once: having seen it stop is
    // what counts, not finding it still stopped.
    const deadline = Date.now() + 10_000;
    while (running.length && this.sw.stops === before) {
      if (Date.now() > deadline) throw new Error('the service worker did not stop');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  stopBackground(): Promise<void> {
    return this.stopServiceWorker();
  }

  pids(): number[] {
    return processesUsing(this.profile);
  }

  async close(): Promise<void> {
    await this.context.close().catch(() => {});
    // A helper process can outlive close() by a moment and keep writing to the profile.
    killAll(this.pids());
    await rm(this.profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
}

const usedPages = new WeakSet<object>();

interface SwVersion { versionId: string; scriptURL: string; runningStatus: string; status: string }
