/**
 * Last-resort cleanup: a browser whose driver died (worker killed, crash, Ctrl-C) must not outlive
 * the run. Every browser we start has a unique temp profile path on its command line, so that path
 * identifies our processes and only ours.
 */
import { readdirSync, readFileSync } from 'node:fs';

export function processesUsing(fragment: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(fragment)) pids.push(Number(name));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

export function killAll(pids: number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}
