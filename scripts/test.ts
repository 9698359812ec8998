/**
 * `npm test`: everything, in order — browsers present, build, typecheck, unit tests, web-ext lint,
 * then the end-to-end scenarios in Chromium and in Firefox ESR (one browser at a time, so the
 * 2-core CI machine is not overloaded). Flags: --browser chromium|firefox, --e2e-only, --unit-only.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ensureBrowsers } from './browsers.ts';
import { buildExtension } from './build.ts';

type BrowserName = 'chromium' | 'firefox';
const args = process.argv.slice(2);
const flag = (name: string) => args.includes(name);
const browserArg = args[args.indexOf('--browser') + 1];
const browsers: BrowserName[] = args.includes('--browser')
  ? [browserArg as BrowserName].filter((b) => b === 'chromium' || b === 'firefox')
  : ['chromium', 'firefox'];
if (!browsers.length) throw new Error('--browser takes chromium or firefox');

const root = resolve(import.meta.dirname, '..');
const results: { step: string; ok: boolean; seconds: number }[] = [];

function run(step: string, cmd: string, argv: string[], env: Record<string, string> = {}): boolean {
  console.log(`\n━━ ${step}`);
  const t0 = Date.now();
  // Vite's build (run in this process) sets NODE_ENV=production; vitest must not inherit it: under
  // it, a DOM environment resolves `node:` imports to nothing ("No such built-in module: node:").
  const r = spawnSync(cmd, argv, { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test', ...env } });
  const ok = r.status === 0;
  results.push({ step, ok, seconds: (Date.now() - t0) / 1000 });
  return ok;
}

async function step(name: string, fn: () => Promise<void> | void): Promise<boolean> {
  console.log(`\n━━ ${name}`);
  const t0 = Date.now();
  try {
    await fn();
    results.push({ step: name, ok: true, seconds: (Date.now() - t0) / 1000 });
    return true;
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    results.push({ step: name, ok: false, seconds: (Date.now() - t0) / 1000 });
    return false;
  }
}

const bin = (name: string) => resolve(root, 'node_modules/.bin', name);
const unit = !flag('--e2e-only');
const e2e = !flag('--unit-only');

const tools = [...(unit ? (['gpg'] as const) : []), ...(e2e ? browsers : [])];
if (!(await step(`test tools present (${tools.join(', ')})`, () => ensureBrowsers(tools)))) finish();
if (!(await step('build the extension (dist/chrome, dist/firefox, zips)', () => buildExtension()))) finish();
if (unit) {
  run('typecheck (tsc --noEmit)', bin('tsc'), ['--noEmit']);
  run('unit tests (vitest)', bin('vitest'), ['run']);
  run('web-ext lint dist/firefox (0 errors required)', bin('web-ext'), ['lint', '--source-dir', 'dist/firefox', '--self-hosted']);
}
if (e2e) {
  for (const b of browsers)
    run(`end-to-end in ${b}`, bin('vitest'), ['run', '--config', 'test/e2e/vitest.config.ts'], { MANTLE_BROWSER: b });
}
finish();

function finish(): never {
  console.log('\n━━ summary');
  for (const r of results) console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.step}  (${r.seconds.toFixed(1)} s)`);
  const failed = results.filter((r) => !r.ok).length;
  console.log(failed ? `\n${failed} step(s) failed.` : '\nAll steps passed.');
  process.exit(failed ? 1 : 0);
}
