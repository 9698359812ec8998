/**
 * User-story helpers for the e2e scenarios: one browser profile per user, the local server, and
 * the steps a person takes (open a chat, send, see). Launches and the server are shared by every
 * file of the run and closed by runner.ts when it ends.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildReplicas } from '../fixtures/build';
import { startServer, type Site, type StoredMessage, type TestServer } from '../server/index';
import { launchChromium } from './browsers/chromium';
import { launchFirefox } from './browsers/firefox';
import type { BrowserSession } from './browsers/session';
import { browserName as chosenBrowser, executable, extensionDir, REPO, type BrowserName } from './env';
import { onTeardown } from './lifecycle';
import type { Scope, Tab } from './tab';

export type { Site, StoredMessage, TestServer, Tab, Scope, BrowserSession };
export type UserName = 'alice' | 'bob' | 'carol';

/** Which browser this run drives (from MANTLE_BROWSER); describe titles start with it. */
export const browserName: BrowserName = chosenBrowser();

/** The site's own Lexical compose box. */
export const COMPOSE_BOX = 'div[contenteditable="true"][role="textbox"][data-lexical-editor="true"]';
/** Where each site shows the open conversation's messages (robust anchors from sites.md). */
export const MESSAGE_LIST: Readonly<Record<Site, string>> = {
  messenger: '[role="main"] [role="grid"]',
  instagram: '[aria-label^="Conversation with"] [role="grid"], [aria-label^="Conversation with"]',
  whatsapp: '[data-testid="conversation-panel-messages"]',
};
const COMPOSE_IN: Readonly<Record<Site, string>> = {
  messenger: `[role="main"] ${COMPOSE_BOX}`,
  instagram: COMPOSE_BOX,
  whatsapp: `#main footer ${COMPOSE_BOX}`,
};

// Singletons on globalThis: every test file of the run must see the same ones.
interface State {
  server?: Promise<TestServer>;
  serverValue?: TestServer;
  users: Map<UserName, Promise<User>>;
}
const KEY = Symbol.for('mantle.e2e.harness');
const g = globalThis as unknown as { [KEY]?: State };
const state: State = (g[KEY] ??= { users: new Map() });

/** The local HTTPS world, started once per run (building the replicas first if they are stale). */
export function server(): Promise<TestServer> {
  state.server ??= (async () => {
    await ensureReplicas();
    const s = await startServer();
    state.serverValue = s;
    onTeardown('server', () => s.close());
    return s;
  })();
  return state.server;
}

/** The relay's in-process record; needs the server started (any user() call does that). */
export function relay(): TestServer['relay'] {
  if (!state.serverValue) throw new Error('relay(): the server is not started yet; await server() or user() first');
  return state.serverValue.relay;
}

/** Every request the test server has answered, oldest first (host, method, path). */
export function requests(): ReturnType<TestServer['requests']> {
  if (!state.serverValue) throw new Error('requests(): the server is not started yet');
  return state.serverValue.requests();
}

/** The user's browser, launched on first use and reused by every later file. */
export function user(name: UserName): Promise<User> {
  let u = state.users.get(name);
  if (!u) {
    u = launch(name);
    state.users.set(name, u);
    u.catch(() => state.users.delete(name));
  }
  return u;
}

/** Saves a screenshot of every launched user's chat tab to `dir` (for failed tests). */
export async function screenshotUsers(dir: string, label: string): Promise<string[]> {
  const saved: string[] = [];
  const safe = label.replace(/[^\w.-]+/g, '_').slice(0, 80);
  for (const [name, pending] of state.users) {
    const u = await pending.catch(() => null);
    if (!u?.hasChat) continue;
    const path = join(dir, `${safe}.${name}.png`);
    await u.tab.screenshot(path).then(() => saved.push(path), () => {});
  }
  return saved;
}

/**
 * Alice and Bob, each with their 1:1 chat open on `site`, in conversations emptied first: what one
 * scenario posted (a huge message, junk) must not change what the next one sees.
 */
export async function twoUsers(site: Site): Promise<[User, User]> {
  (await server()).relay.reset();
  const [alice, bob] = await Promise.all([user('alice'), user('bob')]);
  await Promise.all([alice.open(site), bob.open(site)]);
  return [alice, bob];
}

async function launch(name: UserName): Promise<User> {
  const s = await server();
  const opts = {
    extensionDir: extensionDir(browserName),
    executablePath: executable(browserName),
    resolverRules: s.resolverRules(),
    pacUrl: s.pacUrl,
    headed: process.env.MANTLE_HEADED === '1',
  };
  const session = browserName === 'chromium' ? await launchChromium(opts) : await launchFirefox(opts);
  onTeardown(`user:${name}`, () => session.close(), {
    pids: () => session.pids(),
    dirs: session.profile ? [session.profile] : [],
  });
  return new User(name, session, s);
}

export class User {
  private chat: Tab | null = null;
  private where: { site: Site; thread: string } | null = null;

  constructor(readonly name: UserName, readonly session: BrowserSession, private readonly srv: TestServer) {}

  get hasChat(): boolean {
    return !!this.chat;
  }

  /** The tab holding this user's chat (opened by open()). */
  get tab(): Tab {
    if (!this.chat) throw new Error(`${this.name} has no chat open: call open() first`);
    return this.chat;
  }

  /** Quits and restarts this user's browser on the same profile; the chat must be opened again. */
  async restart(): Promise<void> {
    this.chat = null;
    this.where = null;
    await this.session.restart();
  }

  /** The site and thread id open in the chat tab. */
  get current(): { site: Site; thread: string } {
    if (!this.where) throw new Error(`${this.name} has no chat open: call open() first`);
    return this.where;
  }

  /**
   * Opens a conversation as this user. `thread` is an id (default: the seeded 1:1); on WhatsApp it
   * may also be the chat's title. Messenger opens on www.facebook.com unless `host` says otherwise.
   */
  async open(site: Site, thread?: string, opts: { host?: 'www.facebook.com' | 'www.messenger.com' } = {}): Promise<Tab> {
    this.chat ??= await this.session.newTab();
    const mine = this.srv.relay.threads(site, this.name);
    if (site === 'whatsapp') {
      const t = mine.find((x) => x.id === thread || x.title === thread) ?? (thread ? undefined : mine[0]);
      if (!t) throw new Error(`${this.name} has no WhatsApp chat ${JSON.stringify(thread)}`);
      await this.chat.goto(this.srv.url('whatsapp', undefined, this.name));
      // The URL never names the chat: pick it from the chat list, as a person would.
      await this.chat.click(`#pane-side [data-testid="cell-frame-title"] span[title=${cssString(t.title)}]`);
      await this.chat.waitFor(
        `#main header [data-testid="conversation-info-header-chat-title"] span[title=${cssString(t.title)}]`,
      );
      this.where = { site, thread: t.id };
    } else {
      const id = thread ?? mine[0]?.id;
      if (!id) throw new Error(`${this.name} has no ${site} threads`);
      let url = this.srv.url(site, id, this.name);
      if (site === 'messenger' && opts.host === 'www.messenger.com') {
        url = url.replace('https://www.facebook.com/messages/', 'https://www.messenger.com/');
      }
      await this.chat.goto(url);
      this.where = { site, thread: id };
    }
    // A person looks at the chat they open. A tab left in the background (after a restart the
    // browser puts another in front) gets no idle time, and its frames' focus is not the page's.
    await this.chat.bringToFront();
    await this.chat.waitFor(COMPOSE_IN[site]);
    return this.chat;
  }

  /** The site's compose box selector for the open chat. */
  composeBox(): string {
    return COMPOSE_IN[this.current.site];
  }

  /**
   * Types `text` into the site's compose box with real keys and presses Enter; resolves with the
   * relay's record once the site has posted it. (Later: types into Mantle's secure frame.)
   */
  async send(text: string): Promise<StoredMessage> {
    const { site, thread } = this.current;
    const mine = () => this.srv.relay.stored({ site, thread }).filter((m) => m.from === this.name);
    const before = mine().length;
    await this.tab.type(text, this.composeBox());
    await this.tab.press('Enter');
    return poll(`${this.name}'s message to reach the relay`, 15_000, () => mine()[before]);
  }

  /** Waits until `text` is visible in the open conversation. */
  async sees(text: string, opts: { timeout?: number } = {}): Promise<void> {
    const list = MESSAGE_LIST[this.current.site];
    const timeout = opts.timeout ?? 15_000;
    await poll(`${this.name} to see ${JSON.stringify(text)}`, timeout, async () => {
      const found = await this.tab.evaluate(
        ([sel, t]) => {
          const el = document.querySelector(sel) as HTMLElement | null;
          return !!el && el.innerText.includes(t);
        },
        [list, text] as [string, string],
      );
      return found || undefined;
    });
  }

  /** Opens one of the extension's pages (e.g. "options/index.html") in a new tab. */
  extensionPage(path: string): Promise<Tab> {
    return this.session.extensionPage(path);
  }
}

/** Retries `check` until it returns a value other than undefined/false. */
export async function poll<T>(what: string, timeout: number, check: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function cssString(s: string): string {
  return JSON.stringify(s);
}

// ---- replicas ----

const FIXTURES = resolve(REPO, 'test/fixtures');

function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/** Rebuilds test/fixtures/dist/ only when a replica source is newer than the build. */
async function ensureReplicas(): Promise<void> {
  const dist = join(FIXTURES, 'dist');
  const outputs = ['messenger', 'instagram', 'whatsapp'].flatMap((s) => [`${s}.html`, `${s}.js`]).map((f) => join(dist, f));
  const built = outputs.every((f) => existsSync(f)) ? Math.min(...outputs.map((f) => statSync(f).mtimeMs)) : 0;
  const sources = Math.max(newest(join(FIXTURES, 'replicas')), statSync(join(FIXTURES, 'build.ts')).mtimeMs);
  if (built < sources) await buildReplicas();
}
