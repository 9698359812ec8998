/** Finds (or, as root on Debian, installs) the test browsers and GnuPG. Never skips one silently. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const browserPaths = {
  chromium: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  firefox: process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr',
  // The interoperability unit tests run the real GnuPG both ways.
  gpg: '/usr/bin/gpg',
};
const packages = { chromium: 'chromium', firefox: 'firefox-esr', gpg: 'gnupg' } as const;

export function ensureBrowsers(wanted: (keyof typeof browserPaths)[]): void {
  const missing = wanted.filter((b) => !existsSync(browserPaths[b]));
  if (!missing.length) return;
  const pkgs = missing.map((b) => packages[b]);
  const canApt = process.getuid?.() === 0 && spawnSync('apt-get', ['--version']).status === 0;
  if (canApt) {
    console.log(`Installing ${pkgs.join(' and ')} with apt-get (needed for the end-to-end tests)…`);
    execFileSync('apt-get', ['update'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', ...pkgs], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const still = missing.filter((b) => !existsSync(browserPaths[b]));
    if (!still.length) return;
  }
  const lines = [
    `The tests need ${missing.map((b) => `${b} (${browserPaths[b]})`).join(' and ')}, which ${missing.length > 1 ? 'are' : 'is'} missing.`,
    `On Debian, as root: apt-get update && apt-get install -y ${pkgs.join(' ')}`,
    `Or point CHROMIUM_PATH / FIREFOX_PATH at existing binaries.`,
  ];
  throw new Error(lines.join('\n'));
}
