import { defineConfig } from 'vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import preact from '@preact/preset-vite';
import { resolve } from 'node:path';
import source from './manifest.json' with { type: 'json' };
import { manifestFor, type Browser } from './scripts/manifest.ts';
import { singleScriptFrames } from './scripts/frame-bundle.ts';

// One manifest.json is the source; scripts/manifest.ts derives each browser's variant.
const browser = (process.env.MANTLE_BROWSER ?? 'chrome') as Browser;
const root = resolve(import.meta.dirname, 'extension');

export default defineConfig({
  root,
  publicDir: resolve(root, 'public'),
  resolve: { alias: { '@src': resolve(import.meta.dirname, 'src') } },
  plugins: [preact(), crx({ manifest: manifestFor(source, browser) as unknown as ManifestV3Export, browser }), singleScriptFrames(['compose', 'message', 'thread'])],
  build: {
    outDir: resolve(import.meta.dirname, 'dist', browser),
    emptyOutDir: true,
    target: browser === 'firefox' ? 'firefox128' : 'chrome120',
    minify: true,
    sourcemap: false,
    rollupOptions: {
      input: {
        compose: resolve(root, 'frames/compose.html'),
        message: resolve(root, 'frames/message.html'),
        thread: resolve(root, 'frames/thread.html'),
      },
    },
  },
  // Never open network ports or HMR in a built extension.
  server: { hmr: false },
});
