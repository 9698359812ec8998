// Runs before each e2e file: fail every file with a clear message rather than half-start, and
// keep screenshots of the users' chats when a test fails.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach } from 'vitest';
import { browserName, executable, extensionDir, REPO } from './env';
import { screenshotUsers } from './harness';

const browser = browserName();
executable(browser);
extensionDir(browser);

const OUT = resolve(REPO, 'test-output/e2e', browser);

afterEach(async (ctx) => {
  if (ctx.task.result?.state !== 'fail') return;
  mkdirSync(OUT, { recursive: true });
  const saved = await screenshotUsers(OUT, ctx.task.name);
  if (saved.length) console.error(`screenshots: ${saved.join(', ')}`);
});
