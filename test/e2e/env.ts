/**
 * What the e2e run is about: which browser, which extension build, which binaries. Everything
 * here fails loudly: a missing browser or build must fail the run, never skip it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export type BrowserName = 'chromium' | 'firefox';

export const REPO = resolve(import.meta.dirname, '../..');

export function browserName(): BrowserName {
  const b = process.env.MANTLE_BROWSER;
  if (b === 'chromium' || b === 'firefox') return b;
  throw new Error(
    `MANTLE_BROWSER must be "chromium" or "firefox" (got ${JSON.stringify(b ?? null)}), e.g.\n` +
      '  MANTLE_BROWSER=chromium npx vitest run --config test/e2e/vitest.config.ts',
  );
}

/** The unpacked extension to load; MANTLE_EXTENSION_DIR overrides the build output. */
export function extensionDir(browser: BrowserName): string {
  const dir = resolve(process.env.MANTLE_EXTENSION_DIR ?? resolve(REPO, 'dist', browser === 'chromium' ? 'chrome' : 'firefox'));
  if (!existsSync(resolve(dir, 'manifest.json'))) {
    throw new Error(`No extension at ${dir} (manifest.json missing). Run \`npm run build\` first, or set MANTLE_EXTENSION_DIR.`);
  }
  return dir;
}

export function executable(browser: BrowserName): string {
  const [env, fallback, pkg] =
    browser === 'chromium'
      ? ['CHROMIUM_PATH', '/usr/bin/chromium', 'chromium']
      : ['FIREFOX_PATH', '/usr/bin/firefox-esr', 'firefox-esr'];
  const path = process.env[env] ?? fallback;
  if (!existsSync(path)) {
    throw new Error(`${browser} not found at ${path}. Install it (\`apt-get install -y ${pkg}\`) or set ${env}.`);
  }
  return path;
}
