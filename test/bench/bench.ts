/** The benchmark's steps, in one run so every comparison is side by side; see run.ts. */
import { cpus, loadavg, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import { extensionDir, executable } from '../e2e/env';
import { floor } from './floor';
import { measureIncoming } from './incoming';
import { plainMemory, type Keys } from './memory';
import { Observer } from './observe';
import { DWELL_MS, openThread, type OpenResult } from './open';
import { report, type Results } from './report';
import { measureSend } from './send';
import { sizes } from './size';
import { chromium, conversation, PASS, texts, world } from './world';

export async function bench(opts: { quick: boolean }): Promise<number> {
  const counts = opts.quick ? { send: 20, burst: 10, open: 100, incoming: 12, reopen: 3, scale: 1000 } : { send: 200, burst: 50, open: 500, incoming: 30, reopen: 5, scale: 5000 };
  const started = Date.now();
  // Other work on the machine skews every figure: the load average goes into the record.
  const loadBefore = loadavg()[0]!;
  const log = (s: string) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const size = sizes(extensionDir('chromium'));

  log('starting the replicas and Chromium with Mantle');
  const w = await world();
  const session = chromium(w.alice);
  const obs = await Observer.attach(session.context);

  log(`making ${counts.open + counts.scale} encrypted, signed messages in Node`);
  const thread = await conversation(w, counts.open, 'open');
  const big = await conversation(w, counts.scale, 'scale');
  const arriving = await conversation(w, counts.incoming, 'incoming');

  log(`send: ${counts.send} messages through the secure composer, ${PAUSE_MS} ms apart`);
  const sendTexts = texts(counts.send, 'send');
  const send = await measureSend(w, obs, sendTexts, { pauseMs: PAUSE_MS }, log);
  log(`send: median ${Math.round([...send].sort((a, b) => a - b)[send.length >> 1]!)} ms`);
  log(`send: ${counts.burst} more, back to back`);
  const burst = await measureSend(w, obs, texts(counts.burst, 'burst'), { pauseMs: 0 }, log);

  log('floor: raw openpgp in an extension page');
  const raw = await floor(w.alice, w.me, w.bob);
  // One warm-up pass each, as Mantle's worker is warm by the time it is measured.
  await raw.encrypt(sendTexts.slice(0, 10));
  const encryptFloor = await raw.encrypt(sendTexts);
  await raw.decrypt(thread.binaries.slice(0, 10));
  const decryptFloor = await raw.decrypt(thread.binaries);
  if (decryptFloor.verified !== thread.binaries.length) throw new Error(`bench: the floor verified ${decryptFloor.verified}/${thread.binaries.length}`);
  await raw.close();

  log(`open: ${counts.open} messages, scrolling through all`);
  const open = await openThread(w, obs, thread, { scrollAll: true, jump: false });
  log(`open: in view ${Math.round(open.visible)} ms, all ${Math.round(open.all ?? NaN)} ms (floor ${Math.round(decryptFloor.total)} ms)`);
  log('memory: the same thread in two plain profiles, with Mantle and without');
  const keys: Keys = { priv: w.me.armoredPriv, pub: w.bob.armoredPub, fingerprint: w.bob.pub.getFingerprint().toUpperCase(), passphrase: PASS };
  const withMantle = await plainMemory(counts.open, { dir: extensionDir('chromium'), keys });
  const without = await plainMemory(counts.open);

  log(`incoming: ${counts.incoming} messages arriving in the open chat, one at a time`);
  const incoming = await measureIncoming(w, obs, thread, arriving);

  log(`reopen: the same thread ${counts.reopen} times, each after ${DWELL_MS / 1000} s on another chat`);
  const reopen: OpenResult[] = [];
  for (let i = 0; i < counts.reopen; i++) reopen.push(await openThread(w, obs, thread, { scrollAll: false, jump: false, dwellMs: DWELL_MS }));
  log(`reopen: in view ${reopen.map((o) => `${Math.round(o.visible)} ms (${o.visibleCount})`).join(', ')}`);

  log(`scale: ${counts.scale} messages`);
  const scale: OpenResult = await openThread(w, obs, big, { scrollAll: false, jump: true });

  const results: Results = {
    machine: { ...machine(), load: [r1(loadBefore), r1(loadavg()[0]!)] },
    counts,
    send: { mantle: send, burst, floor: encryptFloor },
    open: { ...open, floor: decryptFloor.total, floorEach: decryptFloor.each },
    memory: { mantle: withMantle, without },
    incoming,
    reopen: reopen.map((o) => ({ visible: o.visible, count: o.visibleCount })),
    size,
    scale,
    seconds: (Date.now() - started) / 1000,
  };
  report(results);
  return 0;
}

const r1 = (x: number) => Math.round(x * 10) / 10;
/** Between two sends: less than anyone takes to write a message, more than a sent message takes to show decrypted. */
const PAUSE_MS = 800;

function machine() {
  const version = execFileSync(executable('chromium'), ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).split('\n')[0]!.trim();
  return { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, ramGB: Math.round(totalmem() / 2 ** 30), browser: version, node: process.version };
}
