import { randomBytes } from 'node:crypto';

export type Site = 'messenger' | 'instagram' | 'whatsapp';
export interface StoredMessage {
  site: Site; thread: string; seq: number; id: string; from: string; fromName: string; text: string; at: number;
}
export interface Participant { id: string; name: string }
export interface ThreadInfo { id: string; title: string; participants: Participant[] }

export const USERS: Readonly<Record<string, string>> = {
  alice: 'Alice Smith',
  bob: 'Bob Jones',
  carol: 'Carol White',
};
export const GROUP_TITLE = 'Mantle Friends';

interface Seed { id: string; members: string[] }
const PAIR = ['alice', 'bob'];
const GROUP = ['alice', 'bob', 'carol'];
// The 1:1 thread comes first: url() opens it when no thread is given.
export const SEEDED: Readonly<Record<Site, readonly Seed[]>> = {
  messenger: [{ id: '7720540997985648', members: PAIR }, { id: '7720540997985649', members: GROUP }],
  instagram: [
    { id: '340282366841710301244276027867648171', members: PAIR },
    { id: '340282366841710301244276027867648172', members: GROUP },
  ],
  whatsapp: [{ id: 'wa-alice-bob', members: PAIR }, { id: 'wa-friends', members: GROUP }],
};

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
function alnum(n: number): string {
  return [...randomBytes(n)].map((b) => ALNUM[b % ALNUM.length]).join('');
}

// Shaped like each platform's own ids, so replicas build realistic DOM ids from them.
function messageId(site: Site): string {
  switch (site) {
    case 'messenger': return `mid.$gAA${alnum(29)}`;
    case 'instagram': return `mid.$cAA${alnum(29)}`;
    case 'whatsapp': return randomBytes(10).toString('hex').toUpperCase();
  }
}

export class RelayError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** Posts withheld by holdNext(): accepted, shown to their sender, not delivered to anyone else yet. */
export interface HeldParts {
  /** What was withheld so far. */
  messages(): StoredMessage[];
  /** Delivers them now, after everything posted meanwhile (a delay); never calling it is a drop. */
  release(): StoredMessage[];
}

interface Hold { from: string; match: (text: string) => boolean; left: number; taken: StoredMessage[] }

export class Relay {
  /** The last relay started in this process: how fault-injecting tests reach holdNext(). */
  static latest: Relay | undefined;
  constructor() {
    Relay.latest = this;
  }

  private messages: StoredMessage[] = [];
  private seqs = new Map<string, number>();
  // Fault injection (tests only): held posts, and their late copies that the sender already has.
  private holds: Hold[] = [];
  private held = new Set<StoredMessage>();
  private delivered = new Set<StoredMessage>();
  private superseded = new Set<StoredMessage>();

  reset(): void {
    this.messages = [];
    this.seqs.clear();
    this.holds = [];
    this.held.clear();
    this.delivered.clear();
    this.superseded.clear();
  }

  /**
   * Fault injection: the next `count` (default 1) messages `from` posts whose text matches are
   * accepted but withheld from the other participants, as a platform that drops or delays a
   * message. Only posts through the API are held, not inject().
   */
  holdNext(from: string, opts: { count?: number; match?: (text: string) => boolean } = {}): HeldParts {
    const hold: Hold = { from, match: opts.match ?? (() => true), left: opts.count ?? 1, taken: [] };
    this.holds.push(hold);
    return {
      messages: () => hold.taken.map((m) => ({ ...m })),
      release: () => {
        this.holds = this.holds.filter((h) => h !== hold);
        return hold.taken.filter((m) => this.held.has(m)).map((m) => {
          this.held.delete(m);
          this.superseded.add(m);
          const late = this.inject(m.site, m.thread, m.from, m.text);
          const copy = this.messages.at(-1)!;
          copy.id = m.id; // the same message, delivered late
          this.delivered.add(copy);
          return { ...late, id: m.id };
        });
      },
    };
  }

  private maybeHold(site: Site, thread: string, seq: number): void {
    const m = this.messages.find((x) => x.site === site && x.thread === thread && x.seq === seq)!;
    const hold = this.holds.find((h) => h.left > 0 && h.from === m.from && h.match(m.text));
    if (!hold) return;
    hold.left--;
    hold.taken.push(m);
    this.held.add(m);
  }

  /** Removes messages (tests that flood a chat clean up after themselves, so later ones stay fast). */
  forget(match: (m: StoredMessage) => boolean): number {
    const before = this.messages.length;
    this.messages = this.messages.filter((m) => !match(m));
    return before - this.messages.length;
  }

  /** Held posts reach only their sender; their late copies reach everyone but the sender. */
  private visible(m: StoredMessage, viewer: string): boolean {
    if (this.held.has(m) || this.superseded.has(m)) return m.from === viewer;
    if (this.delivered.has(m)) return m.from !== viewer;
    return true;
  }

  private seed(site: Site, thread: string): Seed {
    const s = SEEDED[site].find((t) => t.id === thread);
    if (!s) throw new RelayError(404, `no ${site} thread ${thread}`);
    return s;
  }

  /** Without `viewer` a 1:1 title lists both names; the relay API always passes the viewer. */
  threads(site: Site, viewer?: string): ThreadInfo[] {
    return SEEDED[site]
      .filter((s) => viewer === undefined || s.members.includes(viewer))
      .map((s) => this.info(site, s, viewer));
  }

  private info(site: Site, s: Seed, viewer?: string): ThreadInfo {
    const participants = s.members.map((id) => ({ id, name: USERS[id] ?? id }));
    let title = GROUP_TITLE;
    if (s.members.length === 2) {
      const others = participants.filter((p) => p.id !== viewer);
      title = others.map((p) => p.name).join(', ');
    }
    return { id: s.id, title, participants };
  }

  stored(filter: { site?: Site; thread?: string } = {}): StoredMessage[] {
    return this.messages
      .filter((m) => !this.superseded.has(m))
      .filter((m) => (!filter.site || m.site === filter.site) && (!filter.thread || m.thread === filter.thread))
      .map((m) => ({ ...m }));
  }

  inject(site: Site, thread: string, from: string, text: string): StoredMessage {
    const s = this.seed(site, thread);
    if (!s.members.includes(from)) throw new RelayError(403, `${from} is not in ${site} thread ${thread}`);
    const key = `${site}/${thread}`;
    const seq = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, seq);
    const m: StoredMessage = {
      site, thread, seq, id: messageId(site), from, fromName: USERS[from] ?? from, text, at: Date.now(),
    };
    this.messages.push(m);
    return { ...m };
  }

  /** The `/__relay/*` API; `path` is what follows `/__relay`. Returns the JSON body or throws RelayError. */
  handle(site: Site, user: string | undefined, method: string, path: string, query: URLSearchParams,
    body: unknown): unknown {
    if (!user || !(user in USERS)) throw new RelayError(401, 'no mantle_user cookie');
    if (path === '/me' && method === 'GET') return { id: user, name: USERS[user] };
    if (path === '/threads' && method === 'GET') return this.threads(site, user);
    const m = /^\/threads\/([^/]+)(\/messages)?$/.exec(path);
    if (!m) throw new RelayError(404, `no relay route ${method} ${path}`);
    const thread = decodeURIComponent(m[1]!);
    const s = this.seed(site, thread);
    if (!s.members.includes(user)) throw new RelayError(404, `${user} is not in thread ${thread}`);
    if (!m[2] && method === 'GET') {
      const after = Number(query.get('after') ?? 0) || 0;
      const messages = this.messages
        .filter((x) => x.site === site && x.thread === thread && x.seq > after && this.visible(x, user))
        .map(({ seq, id, from, fromName, text, at }) => ({ seq, id, from, fromName, text, at }));
      return { thread: this.info(site, s, user), messages };
    }
    if (m[2] && method === 'POST') {
      const text = (body as { text?: unknown } | null)?.text;
      if (typeof text !== 'string') throw new RelayError(400, 'body must be JSON { text: string }');
      const { seq, id, from, fromName, at } = this.inject(site, thread, user, text);
      this.maybeHold(site, thread, seq);
      return { seq, id, from, fromName, text, at };
    }
    throw new RelayError(405, `${method} not allowed on ${path}`);
  }
}
