/**
 * Bytes of JavaScript from the built Chrome package: what the manifest injects into the page
 * (the content script), and each secure frame's scripts (its HTML's script and modulepreload
 * tags, and every chunk they import, followed transitively): the composer, the thread frame (one
 * per chat, every decrypted message) and the message frame (left for the anysite tool).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface Size { files: string[]; bytes: number; gzip: number }

function measure(root: string, files: Set<string>): Size {
  let bytes = 0;
  let gzip = 0;
  for (const f of files) {
    const data = readFileSync(join(root, f));
    bytes += data.length;
    gzip += gzipSync(data, { level: 9 }).length;
  }
  return { files: [...files].sort(), bytes, gzip };
}

/** `file` and the chunks it imports (static and dynamic), as package-relative paths. */
function withImports(root: string, file: string, into: Set<string>): void {
  if (into.has(file) || !existsSync(join(root, file))) return;
  into.add(file);
  const code = readFileSync(join(root, file), 'utf8');
  const specs = [...code.matchAll(/(?:import|from)\s*\(?\s*["']([^"']+\.js)["']/g)].map((m) => m[1]!);
  for (const spec of specs) {
    const path = spec.startsWith('/') ? spec.slice(1) : posix.join(posix.dirname(file), spec);
    withImports(root, path, into);
  }
}

export function sizes(root: string): { content: Size; frames: Record<string, Size> } {
  const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as { content_scripts?: { js?: string[] }[] };
  const content = new Set<string>();
  for (const cs of manifest.content_scripts ?? []) for (const js of cs.js ?? []) withImports(root, js, content);
  const frames: Record<string, Size> = {};
  // compose: the secure composer; message: the anysite tool's frame per message; thread: one per chat.
  for (const name of ['compose', 'message', 'thread']) {
    const page = join(root, 'frames', `${name}.html`);
    if (!existsSync(page)) {
      console.error(`bench: note: ${page} is missing (a build from before the ${name} frame?): its size is not measured`);
      continue;
    }
    const html = readFileSync(page, 'utf8');
    const files = new Set<string>();
    for (const m of html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+)"/g)) {
      const src = m[1]!;
      withImports(root, src.startsWith('/') ? src.slice(1) : posix.join('frames', src), files);
    }
    frames[name] = measure(root, files);
  }
  return { content: measure(root, content), frames };
}
