/** Prints the benchmark's table (stdout), its verdict on each target, and one JSON line. */
import { SETTLE_MS, type Memory, type pssMB } from './memory';
import { DWELL_MS, type OpenResult } from './open';
import type { Size } from './size';

export interface Results {
  machine: { cpu: string; cores: number; ramGB: number; browser: string; node: string; load: number[] };
  counts: { send: number; burst: number; open: number; incoming: number; reopen: number; scale: number };
  send: { mantle: number[]; burst: number[]; floor: number[] };
  open: OpenResult & { floor: number; floorEach: number[] };
  /** `mantle.before`: Mantle's profile after the chat was seen once, before the measured open. */
  memory: { mantle: Memory & { before: ReturnType<typeof pssMB> }; without: Memory };
  /** ms from each arriving message's bubble to its plaintext. */
  incoming: number[];
  /** The same thread opened again after a while on another chat: ms and bubbles in view, each time. */
  reopen: { visible: number; count: number }[];
  size: { content: Size; frames: Record<string, Size> };
  scale: OpenResult;
  seconds: number;
}

function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (!s.length) return NaN;
  const i = (s.length - 1) * q;
  const lo = Math.floor(i);
  return s[lo]! + (s[Math.ceil(i)]! - s[lo]!) * (i - lo);
}

const r1 = (x: number) => Math.round(x * 10) / 10;
const r2 = (x: number) => Math.round(x * 100) / 100;

/** Long tasks Mantle made long: without its content script's share they would be under 50 ms. */
const mantleLong = (o: OpenResult) => o.longTasks.filter((l) => l.mantle > 0 && l.duration - l.mantle < 50);

export function summarize(r: Results) {
  const send = {
    median: r1(quantile(r.send.mantle, 0.5)), p95: r1(quantile(r.send.mantle, 0.95)),
    floorMedian: r1(quantile(r.send.floor, 0.5)), floorP95: r1(quantile(r.send.floor, 0.95)),
    ratio: r2(quantile(r.send.mantle, 0.5) / quantile(r.send.floor, 0.5)),
    burstMedian: r1(quantile(r.send.burst, 0.5)), burstP95: r1(quantile(r.send.burst, 0.95)),
  };
  const open = {
    n: r.open.n, visibleMs: Math.round(r.open.visible), visibleCount: r.open.visibleCount, allMs: Math.round(r.open.all ?? NaN),
    floorMs: Math.round(r.open.floor), ratio: r2((r.open.all ?? NaN) / r.open.floor),
    floorVisibleMs: Math.round(r.open.floorEach.slice(-r.open.visibleCount).reduce((a, b) => a + b, 0)),
    signatures: r.open.signatures,
    maxArticlesInFrame: r.open.maxArticles, maxThreadFrames: r.open.maxThreadFrames,
  };
  // One decrypt and signature check, the floor under one arriving message.
  const incoming = { median: r1(quantile(r.incoming, 0.5)), p95: r1(quantile(r.incoming, 0.95)), floorMs: r1(quantile(r.open.floorEach, 0.5)) };
  const reopen = { medianMs: Math.round(quantile(r.reopen.map((o) => o.visible), 0.5)), each: r.reopen.map((o) => [Math.round(o.visible), o.count]) };
  const main = (o: OpenResult) => ({
    longTasks: o.longTasks.length, longestTaskMs: Math.round(Math.max(0, ...o.longTasks.map((l) => l.duration))),
    mantleLongTasks: mantleLong(o).length, contentScriptMs: Math.round(o.contentScript.total), contentScriptLongestRunMs: r1(o.contentScript.longestRun),
  });
  const { mantle: m, without: wo } = r.memory;
  const memory = { mantleMB: Math.round(m.mb), withoutMB: Math.round(wo.mb), overheadMB: Math.round(m.mb - wo.mb),
    settledMB: Math.round(m.settledMb), settledWithoutMB: Math.round(wo.settledMb), settledOverheadMB: Math.round(m.settledMb - wo.settledMb),
    processes: [m.processes, wo.processes],
    extensionBeforeMB: Math.round(m.before.kinds.extension), beforeMB: Math.round(m.before.mb),
    byKind: Object.fromEntries(Object.keys(m.kinds).map((k) => [k, [Math.round(m.kinds[k as keyof typeof m.kinds]), Math.round(wo.kinds[k as keyof typeof m.kinds])]])) };
  const size = { contentScript: r.size.content.bytes, contentScriptGzip: r.size.content.gzip,
    frames: Object.fromEntries(Object.entries(r.size.frames).map(([k, v]) => [k, { bytes: v.bytes, gzip: v.gzip }])) };
  // maxFramesInDom: the most message slots in the page (a frame per bubble before the thread frame);
  // maxArticlesInFrame: the most messages the thread frame's document held at once.
  const scale = { n: r.scale.n, visibleMs: Math.round(r.scale.visible), jumpMs: Math.round(r.scale.jump ?? NaN), maxFramesInDom: r.scale.maxFrames, maxRowsInDom: r.scale.maxRows,
    maxArticlesInFrame: r.scale.maxArticles, maxThreadFrames: r.scale.maxThreadFrames, ...main(r.scale) };
  const targets = {
    sendMedian: send.median <= 30,
    sendRatio: send.ratio <= 3,
    sendBackToBack: send.burstMedian <= 30,
    openRatio: open.ratio <= 1.5,
    openVisible: open.visibleMs <= 300,
    reopenVisible: reopen.medianMs <= 300,
    noMantleLongTasks: mantleLong(r.open).length === 0 && mantleLong(r.scale).length === 0 && r.open.contentScript.longestRun < 50 && r.scale.contentScript.longestRun < 50,
    memory: memory.overheadMB <= 60,
    contentScriptSize: size.contentScript <= 40_000,
    scaleVirtualized: r.scale.maxFrames <= r.scale.maxRows && r.scale.maxRows < 200,
    scaleVisible: scale.visibleMs <= 300,
  };
  return { machine: r.machine, counts: r.counts, send, open, incoming, reopen, mainThread: main(r.open), memory, size, scale, targets, seconds: Math.round(r.seconds) };
}

export function report(r: Results): void {
  const s = summarize(r);
  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  const rows: [string, string, string, string][] = [
    ['measure', 'Mantle', 'floor / baseline', 'target'],
    [`send, median (${s.counts.send} msgs)`, `${s.send.median} ms`, `${s.send.floorMedian} ms`, `≤ 30 ms: ${ok(s.targets.sendMedian)}; ≤ 3× floor: ${ok(s.targets.sendRatio)}`],
    ['send, p95', `${s.send.p95} ms`, `${s.send.floorP95} ms`, `ratio ${s.send.ratio}×`],
    [`send back to back, median / p95 (${s.counts.burst})`, `${s.send.burstMedian} / ${s.send.burstP95} ms`, '', `≤ 30 ms: ${ok(s.targets.sendBackToBack)}`],
    [`open ${s.open.n}: in view (${s.open.visibleCount})`, `${s.open.visibleMs} ms`, `${s.open.floorVisibleMs} ms`, `≤ 300 ms: ${ok(s.targets.openVisible)}`],
    [`open ${s.open.n}: all, scrolling`, `${s.open.allMs} ms`, `${s.open.floorMs} ms`, `ratio ${s.open.ratio}× ≤ 1.5: ${ok(s.targets.openRatio)}`],
    ['main thread: long tasks (all / Mantle\'s)', `${s.mainThread.longTasks} / ${s.mainThread.mantleLongTasks}`, `longest ${s.mainThread.longestTaskMs} ms`, `none from Mantle: ${ok(s.targets.noMantleLongTasks)}`],
    ['main thread: content script', `${s.mainThread.contentScriptMs} ms`, '', `longest run ${s.mainThread.contentScriptLongestRunMs} ms`],
    [`memory, ${s.open.n} shown (PSS)`, `${s.memory.mantleMB} MB`, `${s.memory.withoutMB} MB`, `+${s.memory.overheadMB} MB ≤ 60: ${ok(s.targets.memory)}`],
    [`memory, ${SETTLE_MS / 1000} s later`, `${s.memory.settledMB} MB`, `${s.memory.settledWithoutMB} MB`, `+${s.memory.settledOverheadMB} MB (what is held)`],
    ['memory by process (MB)', Object.values(s.memory.byKind).map(([a]) => a).join(' / '), Object.values(s.memory.byKind).map(([, b]) => b).join(' / '), Object.keys(s.memory.byKind).join(' / ')],
    ['memory before the open: all / extension', `${s.memory.beforeMB} / ${s.memory.extensionBeforeMB} MB`, '', 'Mantle\'s profile, the chat seen once (2 s)'],
    [`incoming message, median / p95 (${s.counts.incoming})`, `${s.incoming.median} / ${s.incoming.p95} ms`, `${s.incoming.floorMs} ms`, 'bubble → plaintext'],
    [`reopen ${s.open.n} after ${DWELL_MS / 1000} s elsewhere, median (${s.counts.reopen})`, `${s.reopen.medianMs} ms`, '', `≤ 300 ms: ${ok(s.targets.reopenVisible)}; ${s.reopen.each.map(([ms, n]) => `${ms} (${n})`).join(', ')}`],
    ['content script JS', `${s.size.contentScript} B`, `gzip ${s.size.contentScriptGzip} B`, `≤ 40 KB: ${ok(s.targets.contentScriptSize)}`],
    ...Object.entries(s.size.frames).map(([k, v]): [string, string, string, string] => [`${k} frame JS`, `${v.bytes} B`, `gzip ${v.gzip} B`, '']),
    [`scale ${s.scale.n}: in view`, `${s.scale.visibleMs} ms`, '', `≤ 300 ms: ${ok(s.targets.scaleVisible)}`],
    [`scale ${s.scale.n}: jump to middle`, `${s.scale.jumpMs} ms`, '', ''],
    [`scale ${s.scale.n}: slots / rows in DOM`, `${s.scale.maxFramesInDom} / ${s.scale.maxRowsInDom}`, `${s.scale.maxArticlesInFrame} in thread frame`, `virtualized: ${ok(s.targets.scaleVirtualized)}`],
    [`scale ${s.scale.n}: long tasks (all / Mantle's)`, `${s.scale.longTasks} / ${s.scale.mantleLongTasks}`, `longest ${s.scale.longestTaskMs} ms`, `content script ${s.scale.contentScriptMs} ms`],
  ];
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(`\n${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.ramGB} GB; ${r.machine.browser}; load average ${r.machine.load.join(' → ')}; ${s.seconds} s\n`);
  console.log(line(rows[0]!));
  console.log(widths.map((n) => '-'.repeat(n)).join('-|-'));
  for (const row of rows.slice(1)) console.log(line(row));
  console.log(`\n${JSON.stringify(s)}`);
}
