/**
 * `npm run bench`: Mantle against raw OpenPGP.js, in headless Chromium with the built extension on
 * the local replicas (docs/performance.md). Builds dist/chrome first unless `--no-build`;
 * `--quick` runs smaller counts (for trying changes, not for the record).
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
// The e2e harness this reuses reads its browser from the environment; the benchmark is Chromium's.
process.env.MANTLE_BROWSER = 'chromium';

if (!args.includes('--no-build')) {
  const built = spawnSync('npx', ['tsx', 'scripts/build.ts', 'chrome'], { cwd: REPO, stdio: 'inherit' });
  if (built.status !== 0) process.exit(built.status ?? 1);
}

const { bench } = await import('./bench');
const { teardownAll } = await import('../e2e/lifecycle');
let code = 0;
try {
  code = await bench({ quick: args.includes('--quick') });
} catch (e) {
  console.error(e);
  code = 1;
} finally {
  await teardownAll();
}
process.exit(code);
