/** `npm run build`: both browsers' packages from the one source, plus store-ready zips. */
import { build } from 'vite';
import { zipSync } from 'fflate';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { files } from './files.ts';
import type { Browser } from './manifest.ts';

const root = resolve(import.meta.dirname, '..');
const version = (JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { version: string }).version;

export async function buildExtension(browsers: Browser[] = ['chrome', 'firefox']): Promise<void> {
  for (const browser of browsers) {
    process.env.MANTLE_BROWSER = browser;
    await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
    const out = join(root, 'dist', browser);
    // crxjs leaves its dev-only loader manifest out of builds, but keep the zip to what ships.
    const entries = Object.fromEntries(
      files(out).map((f) => [relative(out, f).split('\\').join('/'), readFileSync(f)] as const),
    );
    const zip = join(root, 'dist', `mantle-${browser}-${version}.zip`);
    writeFileSync(zip, zipSync(entries, { level: 9, mtime: new Date('2026-01-01T00:00:00Z') }));
    console.log(`built dist/${browser}/ and ${relative(root, zip)}`);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const only = process.argv.slice(2).filter((a): a is Browser => a === 'chrome' || a === 'firefox');
  await buildExtension(only.length ? only : undefined);
}
