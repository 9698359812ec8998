/**
 * `npm test`: everything, in order — browsers present, build, typecheck, unit tests, web-ext lint,
 * then the end-to-end scenarios in Chromium and in Firefox ESR (one browser at a time, so the
 * 2-core CI machine is not overloaded). Flags: --browser chromium|firefox, --e2e-only, --unit-only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
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
const results: { step: string; ok: boolean; seconds: number; report?: string }[] = [];
// CI keeps only the end of the output: the summary must name the failed tests itself.
const reports = mkdtempSync(join(tmpdir(), 'mantle-test-'));

/** vitest with its usual output, and a JSON report the summary reads the failed tests from. */
function vitest(step: string, argv: string[], env: Record<string, string> = {}): boolean {
  const report = join(reports, `${results.length}.json`);
  const ok = run(step, bin('vitest'), [...argv, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`], env);
  results[results.length - 1]!.report = report;
  return ok;
}

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
  vitest('unit tests (vitest)', ['run']);
  run('web-ext lint dist/firefox (0 errors required)', bin('web-ext'), ['lint', '--source-dir', 'dist/firefox', '--self-hosted']);
}
if (e2e) {
  for (const b of browsers)
    vitest(`end-to-end in ${b}`, ['run', '--config', 'test/e2e/vitest.config.ts'], { MANTLE_BROWSER: b });
}
finish();

function finish(): never {
  console.log('\n━━ summary');
  for (const r of results) {
    console.log(`${r.ok ? 'PASS' : 'FAIL'}  ${r.step}  (${r.seconds.toFixed(1)} s)`);
    if (!r.ok && r.report) for (const line of failedTests(r.report)) console.log(`      ${line}`);
  }
  rmSync(reports, { recursive: true, force: true });
  const failed = results.filter((r) => !r.ok).length;
  console.log(failed ? `\n${failed} step(s) failed.` : '\nAll steps passed.');
  process.exit(failed ? 1 : 0);
}

/** "file › test: first line of the error" for each failed test of a vitest JSON report. */
function failedTests(report: string): string[] {
  if (!existsSync(report)) return ['(no report: vitest did not finish)'];
  type Assertion = { status: string; fullName: string; failureMessages?: string[] };
  type File = { name: string; status: string; message?: string; assertionResults: Assertion[] };
  const files = (JSON.parse(readFileSync(report, 'utf8')) as { testResults: File[] }).testResults;
  const first = (m?: string) => (m ?? '').split('\n').find((l) => l.trim())?.trim().slice(0, 300) ?? '';
  return files.flatMap((f) => {
    const file = f.name.replace(`${root}/`, '');
    const tests = f.assertionResults.filter((a) => a.status === 'failed');
    if (!tests.length && f.status === 'failed') return [`${file}: ${first(f.message)}`];
    return tests.map((a) => `${file} › ${a.fullName}: ${first(a.failureMessages?.[0])}`);
  });
}
