/** Every file under `dir`, recursively (the build's output: a few dozen files). */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}
