/**
 * The secure frames' script as one file. A screen of bubbles loads a message frame document per
 * bubble, all on the extension renderer's one main thread (docs/performance.md, seventh round);
 * a frame whose script is a graph of five shared chunks makes seven requests, one whose script is
 * a single file makes three (HTML, script, style). In eight A/B pairs of the benchmark, the
 * bubbles in view of a long thread showed decrypted sooner every time (seventh round).
 *
 * Runs after Vite wrote the build: each frame's entry chunk is bundled again with its imports,
 * the frame's HTML points at the bundle, and the chunks nothing loads any more leave the package
 * (those shared with the popup and options page stay).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { rolldown } from 'rolldown';
import type { Plugin } from 'vite';
import { files } from './files.ts';

const ENTRY = /<script type="module" crossorigin src="\/(assets\/[^"]+\.js)"><\/script>/;
const PRELOAD = /\s*<link rel="modulepreload"[^>]*>/g;

export function singleScriptFrames(frames: string[]): Plugin {
  return {
    name: 'mantle:single-script-frames',
    apply: 'build',
    enforce: 'post',
    async writeBundle({ dir }) {
      if (!dir) throw new Error('single-script frames: the build has no output directory');
      const orphans: string[] = [];
      for (const name of frames) {
        const htmlPath = join(dir, 'frames', `${name}.html`);
        const html = readFileSync(htmlPath, 'utf8');
        const entry = ENTRY.exec(html)?.[1];
        // A changed HTML shape must fail the build, not quietly ship the slower frame.
        if (!entry) throw new Error(`single-script frames: no module script in frames/${name}.html`);
        const bundle = await rolldown({ input: join(dir, entry), logLevel: 'warn' });
        const { output } = await bundle.write({
          dir: join(dir, 'assets'),
          entryFileNames: `${name}-frame-[hash].js`,
          format: 'esm',
          minify: true,
        });
        await bundle.close();
        writeFileSync(htmlPath, html.replace(PRELOAD, '').replace(entry, `assets/${output[0].fileName}`));
        // The entry chunk served this frame only.
        orphans.push(entry);
      }
      removeUnreferenced(dir, orphans);
    },
  };
}

/** Removes the given chunks, then any chunk they imported that no remaining file names. */
function removeUnreferenced(dir: string, start: string[]): void {
  const queue = [...start];
  while (queue.length) {
    const path = join(dir, queue.shift()!);
    const imports = new Set([...readFileSync(path, 'utf8').matchAll(/["']\.\/([\w.-]+\.js)["']/g)].map((m) => `assets/${m[1]}`));
    rmSync(path, { force: true });
    const rest = files(dir).map((f) => readFileSync(f, 'latin1'));
    for (const chunk of imports) if (!queue.includes(chunk) && !rest.some((text) => text.includes(basename(chunk)))) queue.push(chunk);
  }
}
